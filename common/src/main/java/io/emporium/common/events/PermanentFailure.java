package io.emporium.common.events;

/**
 * A message that no retry can apply as things stand (a recipient the mail server refuses for good,
 * a user no service knows): its consumer parks it at once, with this as its error, instead of
 * trying again.
 */
public final class PermanentFailure extends RuntimeException {
  public PermanentFailure(String message) {
    super(message);
  }

  public PermanentFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
