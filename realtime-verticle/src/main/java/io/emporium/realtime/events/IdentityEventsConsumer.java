package io.emporium.realtime.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.proto.events.v1.IdentityEvent;
import io.emporium.realtime.mail.IdentityMails;
import io.emporium.realtime.mail.Mailer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns {@code identity.events} into account emails. */
public final class IdentityEventsConsumer {
  public static final String TOPIC = "identity.events";
  private static final Logger LOG = LoggerFactory.getLogger(IdentityEventsConsumer.class);

  private final Mailer mailer;
  private final IdentityMails mails;

  public IdentityEventsConsumer(Mailer mailer, IdentityMails mails) {
    this.mailer = mailer;
    this.mails = mails;
  }

  public Future<Void> apply(Buffer value) {
    IdentityEvent event;
    try {
      event = IdentityEvent.parseFrom(value.getBytes());
    } catch (InvalidProtocolBufferException e) {
      LOG.error("skipping an unreadable identity event: {}", e.getMessage());
      return Future.succeededFuture();
    }
    return switch (event.getKindCase()) {
      case EMAIL_VERIFICATION_REQUESTED -> mailer.send(mails.verification(event.getEmailVerificationRequested()));
      case PASSWORD_RESET_REQUESTED -> mailer.send(mails.passwordReset(event.getPasswordResetRequested()));
      default -> Future.succeededFuture();
    };
  }
}
