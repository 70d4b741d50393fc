package io.emporium.realtime.mail;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.events.PermanentFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;

/** Sends mail through vertx-mail-client to the configured SMTP server. */
public final class Mailer {
  private final MailClient client;
  private final String from;

  public Mailer(Vertx vertx, EmporiumConfig.Smtp smtp, boolean embeddedSink) {
    MailConfig mailConfig =
        new MailConfig()
            .setHostname(smtp.host())
            .setPort(smtp.port())
            .setStarttls(embeddedSink ? StartTLSOptions.DISABLED : StartTLSOptions.OPTIONAL)
            .setLogin(smtp.user() == null ? LoginOption.DISABLED : LoginOption.REQUIRED)
            .setUsername(smtp.user())
            .setPassword(smtp.password())
            .setKeepAlive(true);
    this.client = MailClient.createShared(vertx, mailConfig, "emporium-mail");
    this.from = smtp.from();
  }

  /**
   * Completes once the SMTP server accepted the mail; {@code messageId} is the same on every
   * attempt of one mail. A 5xx answer fails it as a {@link PermanentFailure}: trying again would
   * get the same.
   */
  public Future<Void> send(Mail mail, String messageId) {
    MailMessage message =
        new MailMessage()
            .setFrom(from)
            .setTo(mail.to())
            .setSubject(mail.subject())
            .setText(mail.text())
            .setHtml(mail.html())
            .addHeader("Message-ID", messageId);
    return client
        .sendMail(message)
        .<Void>mapEmpty()
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof SMTPException smtp && smtp.isPermanent()
                        ? new PermanentFailure(
                            "the SMTP server refused the mail to "
                                + mail.to()
                                + " for good: "
                                + smtp.getMessage(),
                            e)
                        : e));
  }

  public Future<Void> close() {
    return client.close();
  }
}
