package io.emporium.edge.identity;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.emporium.edge.identity.domain.PasswordPolicy;
import io.emporium.edge.identity.domain.Secrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt hashing and checking, always on a worker thread (each call costs tens of milliseconds).
 */
public final class Passwords {
  private final Vertx vertx;
  private final int cost;

  /**
   * Checked against when the account does not exist, so unknown emails take as long as wrong
   * passwords.
   */
  private final String decoyHash;

  private Passwords(Vertx vertx, int cost, String decoyHash) {
    this.vertx = vertx;
    this.cost = cost;
    this.decoyHash = decoyHash;
  }

  public static Future<Passwords> create(Vertx vertx, int cost) {
    return vertx.executeBlocking(
        () ->
            new Passwords(
                vertx,
                cost,
                BCrypt.withDefaults().hashToString(cost, Secrets.newToken().toCharArray())),
        false);
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(
        () -> BCrypt.withDefaults().hashToString(cost, password.toCharArray()), false);
  }

  /** Checks a password against a stored hash, or against a decoy when there is no account. */
  public Future<Boolean> matches(String password, String storedHash) {
    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
    // bcrypt refuses over 72 bytes; no stored password is that long, so check the decoy to keep the
    // timing
    boolean fits = bytes.length <= PasswordPolicy.MAX_BYTES;
    String hash = storedHash == null || !fits ? decoyHash : storedHash;
    byte[] checked = fits ? bytes : "x".getBytes(StandardCharsets.UTF_8);
    return vertx.executeBlocking(
        () ->
            BCrypt.verifyer().verify(checked, hash.getBytes(StandardCharsets.UTF_8)).verified
                && storedHash != null
                && fits,
        false);
  }
}
