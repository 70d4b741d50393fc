package io.emporium.edge.identity;

import io.emporium.common.config.EmporiumConfig.LoginLimits;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.identity.domain.Secrets;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits on the unauthenticated identity routes, kept in Redis so they hold across edge processes:
 * attempts per client address on every credential route, login attempts per account (a success
 * clears them), and mails requested per account. Each limit is a fixed window; over it is 429.
 * Unlike the API's rate limits these fail closed: while Redis cannot count (down, or slower than
 * 500 ms) the credential routes answer 503 with {@code Retry-After}, so password guessing is never
 * uncounted.
 */
public final class AuthThrottle {
  public static final int MAILS_PER_ACCOUNT = 5;
  private static final Logger LOG = LoggerFactory.getLogger(AuthThrottle.class);
  private static final long REDIS_WAIT_MS = 500;
  private static final long RETRY_AFTER_SECONDS = 5;
  private static final long LOG_EVERY_MS = 10_000;
  private final AtomicLong lastLogged = new AtomicLong();
  private static final Duration MAIL_WINDOW = Duration.ofHours(1);

  private final Redis redis;
  private final FixedWindowCounter counter;
  private final LoginLimits limits;

  public AuthThrottle(Redis redis, LoginLimits limits) {
    this.redis = redis;
    this.counter = new FixedWindowCounter(redis);
    this.limits = limits;
  }

  /** Counts an attempt from this client address; 429 over the per-address limit. */
  public Future<Void> admitAddress(String clientAddress) {
    return hit(
        "emporium:auth:address:" + clientAddress,
        limits.addressWindow(),
        limits.attemptsPerAddress());
  }

  /**
   * Counts a login attempt against the address and the account before the password is checked, so
   * parallel guesses cannot all slip under the limit; a successful login clears the account's
   * count.
   */
  public Future<Void> admitLogin(String email, String clientAddress) {
    return admitAddress(clientAddress)
        .compose(
            v ->
                hit(
                    accountKey("login", email),
                    limits.accountWindow(),
                    limits.failuresPerAccount()));
  }

  /** Best effort: a count Redis fails to clear only expires with its window. */
  public Future<Void> loginSucceeded(String email) {
    return redis
        .send(Request.cmd(Command.DEL).arg(accountKey("login", email)))
        .timeout(REDIS_WAIT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(
            e -> {
              warn(e, "login count not cleared: Redis failed");
              return Future.succeededFuture();
            });
  }

  /** Counts a request that mails the account (code, reset link); 429 past a few an hour. */
  public Future<Void> admitMail(String purpose, String email, String clientAddress) {
    return admitAddress(clientAddress)
        .compose(v -> hit(accountKey("mail:" + purpose, email), MAIL_WINDOW, MAILS_PER_ACCOUNT));
  }

  private Future<Void> hit(String key, Duration window, int limit) {
    return counter
        .hit(key, window)
        .timeout(REDIS_WAIT_MS, TimeUnit.MILLISECONDS)
        .recover(
            e -> {
              warn(
                  e,
                  "credential route refused with 503: Redis failed, so its attempt limits cannot be counted");
              return Future.failedFuture(
                  ApiProblem.unavailable(
                      "Sign-in is briefly unavailable; try again in a few seconds.",
                      RETRY_AFTER_SECONDS));
            })
        .compose(
            w ->
                w.count() > limit
                    ? Future.failedFuture(ApiProblem.tooManyRequests(w.secondsLeft()))
                    : Future.succeededFuture());
  }

  private void warn(Throwable cause, String message) {
    long now = System.currentTimeMillis();
    long last = lastLogged.get();
    if (now - last >= LOG_EVERY_MS && lastLogged.compareAndSet(last, now)) {
      LOG.atWarn().setCause(cause).log(message);
    }
  }

  private static String accountKey(String purpose, String email) {
    return "emporium:auth:" + purpose + ":" + HexFormat.of().formatHex(Secrets.sha256(email));
  }
}
