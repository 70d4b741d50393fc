package io.emporium.common.problem;

import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import java.util.List;
import java.util.Locale;

/**
 * The one error type of the platform. Services throw it (it crosses gRPC as status + trailers) and
 * the edge renders it as an RFC 9457 problem document.
 */
public final class ApiProblem extends RuntimeException {

  public record FieldError(String field, String message) {}

  private final int status;
  private final String title;
  private final List<FieldError> errors;
  private final Long retryAfterSeconds;

  public ApiProblem(
      int status, String title, String detail, List<FieldError> errors, Long retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = errors == null ? List.of() : List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiProblem of(int status, String detail) {
    return new ApiProblem(status, titleFor(status), detail, List.of(), null);
  }

  public static ApiProblem badRequest(String detail) {
    return of(400, detail);
  }

  public static ApiProblem unauthorized(String detail) {
    return of(401, detail);
  }

  public static ApiProblem forbidden(String detail) {
    return of(403, detail);
  }

  public static ApiProblem notFound(String detail) {
    return of(404, detail);
  }

  public static ApiProblem conflict(String detail) {
    return of(409, detail);
  }

  public static ApiProblem invalid(List<FieldError> errors) {
    return new ApiProblem(422, titleFor(422), "The request has invalid fields.", errors, null);
  }

  public static ApiProblem invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  public static ApiProblem tooManyRequests(long retryAfterSeconds) {
    return new ApiProblem(
        429,
        titleFor(429),
        "Too many requests; retry after " + retryAfterSeconds + " s.",
        List.of(),
        Math.max(1, retryAfterSeconds));
  }

  public static ApiProblem unavailable(String detail) {
    return of(503, detail);
  }

  /**
   * A dependency is down for a moment (database restarting, Redis gone): the client should retry
   * after a pause.
   */
  public static ApiProblem unavailable(String detail, long retryAfterSeconds) {
    return new ApiProblem(503, titleFor(503), detail, List.of(), Math.max(1, retryAfterSeconds));
  }

  /**
   * The 503 (retry in a few seconds) that a failure stands for when a dependency could not be
   * reached: a refused or closed connection, no pooled connection in time, or PostgreSQL starting,
   * stopping or out of connections. Else null.
   */
  public static ApiProblem ifUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof ClosedConnectionException
          || (t instanceof VertxException && POOL_TIMEOUT.equals(t.getMessage()))
          || (t instanceof DatabaseException db && unavailableState(db.getSqlState()))) {
        return unavailable(
            "A service this request needs is briefly unavailable; try again in a few seconds.", 5);
      }
    }
    return null;
  }

  private static final String POOL_TIMEOUT = "Timeout waiting for connection";

  /**
   * Connection exceptions (08), the server shutting down or starting (57P01-57P03), too many
   * connections (53300).
   */
  private static boolean unavailableState(String sqlState) {
    return sqlState != null
        && (sqlState.startsWith("08")
            || sqlState.equals("57P01")
            || sqlState.equals("57P02")
            || sqlState.equals("57P03")
            || sqlState.equals("53300"));
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** A short, stable slug for the problem {@code type} URI. */
  public String typeSlug() {
    return title.toLowerCase(Locale.ROOT).replace(' ', '-');
  }

  public static String titleFor(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
