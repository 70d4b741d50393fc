package io.emporium.realtime.mail;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Mails handed to the SMTP server, by kind: {@code sent} when it accepted one, {@code failed} for
 * each refused attempt.
 */
public final class MailMetrics {
  private final Map<MailKind, Counter> sent = new EnumMap<>(MailKind.class);
  private final Map<MailKind, Counter> failed = new EnumMap<>(MailKind.class);

  public MailMetrics(MeterRegistry registry) {
    for (MailKind kind : MailKind.values()) {
      sent.put(kind, counter(registry, kind, "sent"));
      failed.put(kind, counter(registry, kind, "failed"));
    }
  }

  public void sent(MailKind kind) {
    sent.get(kind).increment();
  }

  /**
   * The attempt failed; the event is retried, so the mail may still go out later, or parked when
   * refused for good.
   */
  public void failed(MailKind kind) {
    failed.get(kind).increment();
  }

  private static Counter counter(MeterRegistry registry, MailKind kind, String result) {
    return Counter.builder("emporium.emails")
        .tag("kind", kind.code())
        .tag("result", result)
        .description("Mails by kind and whether the SMTP server accepted them")
        .register(registry);
  }
}
