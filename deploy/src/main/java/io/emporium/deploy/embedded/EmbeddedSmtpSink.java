package io.emporium.deploy.embedded;

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

/**
 * An in-JVM SMTP server that keeps what it receives, readable through {@code GET /dev/mailbox}. It can go down and
 * come back on the same port, keeping what it received before, so tests can watch mail survive an outage.
 */
public final class EmbeddedSmtpSink implements DevMailbox, AutoCloseable {
  private final int port;
  private final List<MimeMessage> beforeRestarts = new ArrayList<>();
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
      GreenMail fresh = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      fresh.start();
      greenMail = fresh;
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
        .anyMatch(a -> a instanceof InternetAddress ia && ia.getAddress().equalsIgnoreCase(recipient.strip()));
  }

  private static DevMail toDevMail(MimeMessage message) throws MessagingException, IOException {
    String[] bodies = {"", ""};
    collect(message, bodies);
    Instant sent = message.getSentDate() == null ? Instant.now() : message.getSentDate().toInstant();
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
