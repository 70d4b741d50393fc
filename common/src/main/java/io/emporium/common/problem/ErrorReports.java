package io.emporium.common.problem;

import io.emporium.common.config.EmporiumConfig;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Reports unhandled failures (each 5xx answer, each parked message, a failed start) to Sentry when
 * {@code SENTRY_DSN} is set, through the official SDK; nothing is reported otherwise. An event
 * carries the service, the request id or message source, the route template and the release, and no
 * personal data: no user, request, body or breadcrumbs, and emails, tokens, secrets and long digit
 * runs in error texts are masked before it leaves the process.
 */
public final class ErrorReports {
  private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
  private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+\\S+");
  private static final Pattern JWT = Pattern.compile("[\\w-]{8,}\\.[\\w-]{8,}\\.[\\w-]{8,}");
  private static final Pattern SECRET =
      Pattern.compile("\\b(sk|rk|pk|whsec|cs|pi|re)_(test_|live_)?[A-Za-z0-9]{8,}");
  private static final Pattern DIGITS = Pattern.compile("\\d[\\d -]{10,}\\d");
  private static final Duration FLUSH = Duration.ofSeconds(5);

  private ErrorReports() {}

  /** Starts reporting for this process when a DSN is configured; answers whether it did. */
  public static synchronized boolean start(EmporiumConfig.ErrorTracking tracking) {
    if (tracking.dsn() == null || Sentry.isEnabled()) {
      return Sentry.isEnabled();
    }
    Sentry.init(
        options -> {
          options.setDsn(tracking.dsn());
          options.setEnvironment(tracking.environment());
          options.setRelease(tracking.release());
          options.setSendDefaultPii(false);
          options.setAttachStacktrace(false);
          options.setEnableUncaughtExceptionHandler(false);
          options.setShutdownTimeoutMillis(FLUSH.toMillis());
          options.setBeforeSend((event, hint) -> withoutPersonalData(event));
        });
    return true;
  }

  /** Sends what is still queued, then stops reporting. */
  public static synchronized void stop() {
    if (Sentry.isEnabled()) {
      Sentry.flush(FLUSH.toMillis());
      Sentry.close();
    }
  }

  /** A request answered with a 5xx; {@code cause} may be null when no exception led to it. */
  public static void serverError(
      String service, String requestId, String method, String route, int status, Throwable cause) {
    if (!Sentry.isEnabled()) {
      return;
    }
    SentryEvent event = cause == null ? new SentryEvent() : new SentryEvent(cause);
    event.setLevel(status == 503 ? SentryLevel.WARNING : SentryLevel.ERROR);
    event.setMessage(message(status + " on " + method + " " + route));
    event.setTag("service", service);
    event.setTag("request_id", requestId == null ? "-" : requestId);
    event.setTag("route", route);
    event.setTag("status", Integer.toString(status));
    event.setFingerprints(java.util.List.of(service, method, route, Integer.toString(status)));
    Sentry.captureEvent(event);
  }

  /** A consumer gave up on a message and parked it. */
  public static void parked(
      String service,
      String consumer,
      String source,
      String eventId,
      int attempts,
      String lastError) {
    if (!Sentry.isEnabled()) {
      return;
    }
    SentryEvent event = new SentryEvent();
    event.setLevel(SentryLevel.ERROR);
    event.setMessage(
        message(
            "parked a message of " + source + " after " + attempts + " attempts: " + lastError));
    event.setTag("service", service);
    event.setTag("consumer", consumer);
    event.setTag("source", source);
    event.setTag("event_id", eventId == null ? "-" : eventId);
    event.setFingerprints(java.util.List.of("parked", service, consumer, source));
    Sentry.captureEvent(event);
  }

  /** The process could not start; sent before it exits. */
  public static void startFailed(String services, Throwable cause) {
    if (!Sentry.isEnabled()) {
      return;
    }
    SentryEvent event = new SentryEvent(cause);
    event.setLevel(SentryLevel.FATAL);
    event.setMessage(message("start-up failed"));
    event.setTag("service", services);
    Sentry.captureEvent(event);
    Sentry.flush(FLUSH.toMillis());
  }

  /** Masks what could identify or authenticate a person in a text that leaves the process. */
  public static String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = BEARER.matcher(text).replaceAll("Bearer [token]");
    out = JWT.matcher(out).replaceAll("[token]");
    out = SECRET.matcher(out).replaceAll("[secret]");
    out = EMAIL.matcher(out).replaceAll("[email]");
    return DIGITS.matcher(out).replaceAll("[digits]");
  }

  private static Message message(String text) {
    Message m = new Message();
    m.setFormatted(text);
    return m;
  }

  private static SentryEvent withoutPersonalData(SentryEvent event) {
    event.setUser(null);
    event.setRequest(null);
    event.setBreadcrumbs(null);
    event.setExtras(null);
    if (event.getMessage() != null) {
      event.getMessage().setFormatted(scrub(event.getMessage().getFormatted()));
      event.getMessage().setMessage(scrub(event.getMessage().getMessage()));
    }
    if (event.getExceptions() != null) {
      for (SentryException e : event.getExceptions()) {
        e.setValue(scrub(e.getValue()));
      }
    }
    return event;
  }
}
