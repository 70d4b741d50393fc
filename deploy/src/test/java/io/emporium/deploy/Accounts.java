package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test accounts made the way users make them: through REST and the development mailbox. */
public final class Accounts {
  public static final String PASSWORD = "Sturdy-Garden-Lamp-42";
  private static final Pattern CODE = Pattern.compile("verification code is (\\d{6})");
  private static final Pattern RESET_TOKEN = Pattern.compile("reset token: ([A-Za-z0-9_-]{43})");

  private Accounts() {}

  public record Account(String id, String email, String accessToken, String refreshToken) {}

  public static String uniqueEmail(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  public static JsonObject registration(String email, String accountType) {
    JsonObject body =
        new JsonObject()
            .put("email", email)
            .put("password", PASSWORD)
            .put("fullName", "Test Person");
    return accountType == null ? body : body.put("accountType", accountType);
  }

  /** Registers, verifies the email with the mailed code and logs in. */
  public static Account signedIn(Api api, String accountType) {
    String email = uniqueEmail(accountType == null ? "customer" : accountType);
    Api.Response registered = api.post("/api/v1/auth/register", registration(email, accountType));
    assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    Api.Response verified =
        api.post(
            "/api/v1/auth/verify-email",
            new JsonObject().put("email", email).put("code", mailedCode(api, email)));
    assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
    return login(api, email, PASSWORD);
  }

  /**
   * Registers and logs in, leaving the email unverified (for platforms whose mail a test does not
   * read through the API).
   */
  public static Account registered(Api api, String accountType) {
    String email = uniqueEmail(accountType == null ? "customer" : accountType);
    Api.Response registered = api.post("/api/v1/auth/register", registration(email, accountType));
    assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    return login(api, email, PASSWORD);
  }

  public static Account login(Api api, String email, String password) {
    Api.Response login =
        api.post(
            "/api/v1/auth/login", new JsonObject().put("email", email).put("password", password));
    assertThat(login.status()).as(login.toString()).isEqualTo(200);
    JsonObject body = login.json();
    return new Account(
        body.getJsonObject("user").getString("id"),
        email,
        body.getString("accessToken"),
        body.getString("refreshToken"));
  }

  /**
   * The mails the development mailbox holds for this address, waiting until there are at least
   * {@code count}.
   */
  public static JsonArray mails(Api api, String email, int count) {
    Api.Response mailbox =
        api.await(
            Duration.ofSeconds(20),
            () -> api.get("/dev/mailbox?to=" + email),
            r -> r.status() == 200 && r.jsonArray().size() >= count);
    assertThat(mailbox.status()).as(mailbox.toString()).isEqualTo(200);
    assertThat(mailbox.jsonArray().size()).as("mails to " + email).isGreaterThanOrEqualTo(count);
    return mailbox.jsonArray();
  }

  /** The verification code from the newest verification mail. */
  public static String mailedCode(Api api, String email) {
    JsonArray mails = mails(api, email, 1);
    for (int i = mails.size() - 1; i >= 0; i--) {
      String code = verificationCode(mails.getJsonObject(i).getString("text"));
      if (code != null) {
        return code;
      }
    }
    throw new AssertionError("no verification code in " + mails.encodePrettily());
  }

  /** The verification code a mail's text carries, or null. */
  public static String verificationCode(String mailText) {
    Matcher m = CODE.matcher(mailText);
    return m.find() ? m.group(1) : null;
  }

  /** The reset token of the newest reset mail, once the mailbox holds {@code count} mails. */
  public static String resetToken(Api api, String email, int count) {
    JsonArray mails = mails(api, email, count);
    JsonObject newest = mails.getJsonObject(mails.size() - 1);
    assertThat(newest.getString("subject")).contains("Reset");
    assertThat(newest.getString("html")).contains("reset-password?token=");
    Matcher m = RESET_TOKEN.matcher(newest.getString("text"));
    assertThat(m.find()).as(newest.getString("text")).isTrue();
    return m.group(1);
  }
}
