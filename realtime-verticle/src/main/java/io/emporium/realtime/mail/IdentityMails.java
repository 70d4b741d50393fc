package io.emporium.realtime.mail;

import io.emporium.proto.events.v1.EmailVerificationRequested;
import io.emporium.proto.events.v1.PasswordResetRequested;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The account emails: verification code and password reset. Pure text building, no I/O. */
public final class IdentityMails {
  private final String storefrontUrl;

  public IdentityMails(String storefrontUrl) {
    this.storefrontUrl =
        storefrontUrl.endsWith("/")
            ? storefrontUrl.substring(0, storefrontUrl.length() - 1)
            : storefrontUrl;
  }

  public Mail verification(EmailVerificationRequested e) {
    String subject = "Your Emporium verification code: " + e.getCode();
    String text =
        """
        Hello %s,

        Your verification code is %s. It expires at %s.

        If you did not create an Emporium account, ignore this email.
        """
            .formatted(e.getFullName(), e.getCode(), MailTimes.format(e.getExpiresAt()));
    String html =
        """
        <p>Hello %s,</p>
        <p>Your verification code is <strong style="font-size:1.4em;letter-spacing:0.2em">%s</strong>.
        It expires at %s.</p>
        <p>If you did not create an Emporium account, ignore this email.</p>
        """
            .formatted(
                Html.escape(e.getFullName()),
                Html.escape(e.getCode()),
                Html.escape(MailTimes.format(e.getExpiresAt())));
    return new Mail(e.getEmail(), subject, text, html);
  }

  public Mail passwordReset(PasswordResetRequested e) {
    String link =
        storefrontUrl
            + "/reset-password?token="
            + URLEncoder.encode(e.getToken(), StandardCharsets.UTF_8);
    String subject = "Reset your Emporium password";
    String text =
        """
        Hello %s,

        To choose a new password, open %s
        or use this reset token: %s

        The link works once and expires at %s. If you did not ask for it, ignore this email.
        """
            .formatted(e.getFullName(), link, e.getToken(), MailTimes.format(e.getExpiresAt()));
    String html =
        """
        <p>Hello %s,</p>
        <p><a href="%s">Choose a new password</a>, or use this reset token: <code>%s</code></p>
        <p>The link works once and expires at %s. If you did not ask for it, ignore this email.</p>
        """
            .formatted(
                Html.escape(e.getFullName()),
                Html.escape(link),
                Html.escape(e.getToken()),
                Html.escape(MailTimes.format(e.getExpiresAt())));
    return new Mail(e.getEmail(), subject, text, html);
  }
}
