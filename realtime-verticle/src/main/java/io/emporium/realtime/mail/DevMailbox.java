package io.emporium.realtime.mail;

import io.emporium.proto.realtime.v1.DevMail;
import java.util.List;

/** The embedded SMTP sink's view of what was sent, for development mode only. */
public interface DevMailbox {
  List<DevMail> mailsTo(String recipient);
}
