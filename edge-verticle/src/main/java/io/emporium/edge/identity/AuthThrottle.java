package io.emporium.edge.identity;

import io.emporium.common.config.EmporiumConfig.LoginLimits;
import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Limits on the unauthenticated identity routes, kept in Redis so they hold across edge processes:
 * attempts per client address on every credential route, login attempts per account (a success
 * clears them), and mails requested per account. Each limit is a fixed window; over it is 429.
 */
public final class AuthThrottle {
  public static final int MAILS_PER_ACCOUNT = 5;
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
    return hit("emporium:auth:address:" + clientAddress, limits.addressWindow(), limits.attemptsPerAddress());
  }

  /**
   * Counts a login attempt against the address and the account before the password is checked,
   * so parallel guesses cannot all slip under the limit; a successful login clears the account's count.
   */
  public Future<Void> admitLogin(String email, String clientAddress) {
    return admitAddress(clientAddress)
        .compose(v -> hit(accountKey("login", email), limits.accountWindow(), limits.failuresPerAccount()));
  }

  public Future<Void> loginSucceeded(String email) {
    return redis.send(Request.cmd(Command.DEL).arg(accountKey("login", email))).mapEmpty();
  }

  /** Counts a request that mails the account (code, reset link); 429 past a few an hour. */
  public Future<Void> admitMail(String purpose, String email, String clientAddress) {
    return admitAddress(clientAddress)
        .compose(v -> hit(accountKey("mail:" + purpose, email), MAIL_WINDOW, MAILS_PER_ACCOUNT));
  }

  private Future<Void> hit(String key, Duration window, int limit) {
    return counter.hit(key, window)
        .compose(w -> w.count() > limit
            ? Future.failedFuture(ApiProblem.tooManyRequests(w.secondsLeft()))
            : Future.succeededFuture());
  }

  private static String accountKey(String purpose, String email) {
    return "emporium:auth:" + purpose + ":" + HexFormat.of().formatHex(Secrets.sha256(email));
  }
}
