package io.emporium.deploy.embedded;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpManager;
import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.emporium.proto.realtime.v1.DevMail;
import io.emporium.realtime.mail.DevMailbox;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-JVM SMTP server that keeps what it receives, readable through {@code GET /dev/mailbox}. It
 * can go down and come back on the same port, keeping what it received before, so tests can watch
 * mail survive an outage; and it can refuse an address for good (550), so they can watch a
 * permanent rejection.
 */
public final class EmbeddedSmtpSink implements DevMailbox, AutoCloseable {
  private final int port;
  private final List<MimeMessage> beforeRestarts = new ArrayList<>();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private GreenMail greenMail;

  private EmbeddedSmtpSink(int port) {
    this.port = port;
  }

  public static EmbeddedSmtpSink start(int port) {
    EmbeddedSmtpSink sink = new EmbeddedSmtpSink(port);
    sink.restart();
    return sink;
  }

  public int port() {
    return port;
  }

  /** Stops accepting mail; what was received stays readable. */
  public synchronized void stop() {
    if (greenMail != null) {
      beforeRestarts.addAll(Arrays.asList(greenMail.getReceivedMessages()));
      greenMail.stop();
      greenMail = null;
    }
  }

  /** Accepts mail again on the same port (a no-op while running). */
  public synchronized void restart() {
    if (greenMail == null) {
      GreenMail fresh =
          new RefusingGreenMail(
              new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP), refused);
      fresh.start();
      greenMail = fresh;
    }
  }

  /**
   * From now on answers {@code RCPT TO} of this address with 550, as a server does for a mailbox
   * that does not exist.
   */
  public void refuse(String recipient) {
    refused.add(recipient.strip().toLowerCase(Locale.ROOT));
  }

  /** Accepts mail to this address again. */
  public void accept(String recipient) {
    refused.remove(recipient.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * GreenMail with its SMTP recipient check answering for the refused addresses; the rest of the
   * server is its own.
   */
  private static final class RefusingGreenMail extends GreenMail {
    private final Set<String> refused;

    RefusingGreenMail(ServerSetup setup, Set<String> refused) {
      super(setup);
      this.refused = refused;
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers managers) {
      SmtpManager checking =
          new SmtpManager(managers.getImapHostManager(), managers.getUserManager()) {
            @Override
            public String checkRecipient(SmtpState state, MailAddress recipient) {
              return refused.contains(recipient.getEmail().toLowerCase(Locale.ROOT))
                  ? "550 5.1.1 <"
                      + recipient.getEmail()
                      + ">: Recipient address rejected: mailbox unavailable"
                  : super.checkRecipient(state, recipient);
            }
          };
      // the same users and mailboxes, so what it accepts is read as before
      return super.createServices(
          config,
          new Managers() {
            @Override
            public SmtpManager getSmtpManager() {
              return checking;
            }

            @Override
            public UserManager getUserManager() {
              return managers.getUserManager();
            }

            @Override
            public ImapHostManager getImapHostManager() {
              return managers.getImapHostManager();
            }
          });
    }
  }

  private synchronized List<MimeMessage> received() {
    List<MimeMessage> all = new ArrayList<>(beforeRestarts);
    if (greenMail != null) {
      all.addAll(Arrays.asList(greenMail.getReceivedMessages()));
    }
    return all;
  }

  @Override
  public List<DevMail> mailsTo(String recipient) {
    List<DevMail> out = new ArrayList<>();
    for (MimeMessage message : received()) {
      try {
        if (recipient == null || recipient.isBlank() || isFor(message, recipient)) {
          out.add(toDevMail(message));
        }
      } catch (MessagingException | IOException e) {
        throw new IllegalStateException("unreadable message in the SMTP sink", e);
      }
    }
    return out;
  }

  private static boolean isFor(MimeMessage message, String recipient) throws MessagingException {
    return Arrays.stream(message.getAllRecipients())
        .anyMatch(
            a ->
                a instanceof InternetAddress ia
                    && ia.getAddress().equalsIgnoreCase(recipient.strip()));
  }

  private static DevMail toDevMail(MimeMessage message) throws MessagingException, IOException {
    String[] bodies = {"", ""};
    collect(message, bodies);
    Instant sent =
        message.getSentDate() == null ? Instant.now() : message.getSentDate().toInstant();
    return DevMail.newBuilder()
        .setTo(((InternetAddress) message.getRecipients(Message.RecipientType.TO)[0]).getAddress())
        .setSubject(message.getSubject() == null ? "" : message.getSubject())
        .setText(bodies[0])
        .setHtml(bodies[1])
        .setSentAt(sent.toString())
        .build();
  }

  private static void collect(Part part, String[] bodies) throws MessagingException, IOException {
    if (part.isMimeType("text/plain") && bodies[0].isEmpty()) {
      bodies[0] = String.valueOf(part.getContent());
    } else if (part.isMimeType("text/html") && bodies[1].isEmpty()) {
      bodies[1] = String.valueOf(part.getContent());
    } else if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        collect(child, bodies);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
