package io.emporium.edge.identity;

import io.emporium.common.config.EmporiumConfig.LoginLimits;
import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HexFormat;

/**
 * Brute-force limits on login, kept in Redis so they hold across edge processes: failed attempts
 * per account, and all attempts per client address, each in a fixed window.
 */
public final class LoginThrottle {
  /** INCR with the window set on the first hit; answers {count, milliseconds left}. */
  private static final String HIT = """
      local n = redis.call('INCR', KEYS[1])
      if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
      return {n, redis.call('PTTL', KEYS[1])}""";
  private static final String PEEK = """
      local n = tonumber(redis.call('GET', KEYS[1]) or '0')
      return {n, redis.call('PTTL', KEYS[1])}""";

  private final Redis redis;
  private final LoginLimits limits;

  public LoginThrottle(Redis redis, LoginLimits limits) {
    this.redis = redis;
    this.limits = limits;
  }

  /** Counts this attempt from the address and refuses it (429) when the address or the account is over its limit. */
  public Future<Void> admit(String email, String clientAddress) {
    return eval(HIT, addressKey(clientAddress), limits.addressWindow().toMillis())
        .compose(address -> {
          if (address[0] > limits.attemptsPerAddress()) {
            return Future.failedFuture(ApiProblem.tooManyRequests(seconds(address[1])));
          }
          return eval(PEEK, accountKey(email), 0);
        })
        .compose(account -> account[0] >= limits.failuresPerAccount()
            ? Future.failedFuture(ApiProblem.tooManyRequests(seconds(account[1])))
            : Future.succeededFuture());
  }

  public Future<Void> recordFailure(String email) {
    return eval(HIT, accountKey(email), limits.accountWindow().toMillis()).mapEmpty();
  }

  public Future<Void> recordSuccess(String email) {
    return redis.send(Request.cmd(Command.DEL).arg(accountKey(email))).mapEmpty();
  }

  private Future<long[]> eval(String script, String key, long windowMillis) {
    return redis.send(Request.cmd(Command.EVAL).arg(script).arg(1).arg(key).arg(windowMillis))
        .map(LoginThrottle::pair);
  }

  private static long[] pair(Response r) {
    return new long[] {r.get(0).toLong(), r.get(1).toLong()};
  }

  private static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  private static String accountKey(String email) {
    return "emporium:login:account:" + HexFormat.of().formatHex(Secrets.sha256(email));
  }

  private static String addressKey(String clientAddress) {
    return "emporium:login:address:" + clientAddress;
  }
}
