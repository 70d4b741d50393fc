package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class RegistrationIT {

  private static JsonArray fields(Api.Response r) {
    return new JsonArray(
        r.json().getJsonArray("errors").stream()
            .map(e -> ((JsonObject) e).getString("field"))
            .toList());
  }

  @Test
  void registeringAnswersTheUserAndMailsASixDigitCodeInTextAndHtml(Api api) {
    String email = Accounts.uniqueEmail("ann");
    Api.Response r =
        api.post("/api/v1/auth/register", Accounts.registration(email.toUpperCase(), null));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonObject user = r.json().getJsonObject("user");
    assertThat(user.fieldNames())
        .containsExactlyInAnyOrder("id", "email", "fullName", "role", "emailVerified", "createdAt");
    assertThat(user.getString("email")).isEqualTo(email);
    assertThat(user.getString("role")).isEqualTo("customer");
    assertThat(user.getBoolean("emailVerified")).isFalse();
    assertThat(r.body().toString()).doesNotContain("password");

    JsonObject mail = Accounts.mails(api, email, 1).getJsonObject(0);
    assertThat(mail.getString("to")).isEqualTo(email);
    String code = Accounts.mailedCode(api, email);
    assertThat(mail.getString("subject")).contains(code);
    assertThat(mail.getString("html")).contains(code).contains("<strong");
  }

  @Test
  void theCodeVerifiesTheEmailOnce(Api api) {
    String email = Accounts.uniqueEmail("verify");
    api.post("/api/v1/auth/register", Accounts.registration(email, null));
    String code = Accounts.mailedCode(api, email);
    Api.Response ok =
        api.post(
            "/api/v1/auth/verify-email", new JsonObject().put("email", email).put("code", code));
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(ok.json().getJsonObject("user").getBoolean("emailVerified")).isTrue();
    Api.Response again =
        api.post(
            "/api/v1/auth/verify-email", new JsonObject().put("email", email).put("code", code));
    assertThat(again.status()).isEqualTo(400);
    Accounts.Account me = Accounts.login(api, email, Accounts.PASSWORD);
    assertThat(api.get("/api/v1/users/me", me.accessToken()).json().getBoolean("emailVerified"))
        .isTrue();
  }

  @Test
  void wrongCodesAre400AndFiveWrongAttemptsBurnTheCode(Api api) {
    String email = Accounts.uniqueEmail("attempts");
    api.post("/api/v1/auth/register", Accounts.registration(email, null));
    String code = Accounts.mailedCode(api, email);
    String wrong = code.equals("000000") ? "111111" : "000000";
    for (int i = 0; i < 5; i++) {
      Api.Response r =
          api.post(
              "/api/v1/auth/verify-email", new JsonObject().put("email", email).put("code", wrong));
      assertThat(r.status()).as(r.toString()).isEqualTo(400);
    }
    Api.Response burned =
        api.post(
            "/api/v1/auth/verify-email", new JsonObject().put("email", email).put("code", code));
    assertThat(burned.status()).isEqualTo(400);

    assertThat(
            api.post("/api/v1/auth/verify-email/resend", new JsonObject().put("email", email))
                .status())
        .isEqualTo(202);
    Accounts.mails(api, email, 2);
    String fresh = Accounts.mailedCode(api, email);
    Api.Response ok =
        api.post(
            "/api/v1/auth/verify-email", new JsonObject().put("email", email).put("code", fresh));
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
  }

  @Test
  void mailRequestsPerAccountAreLimitedWhetherOrNotTheAccountExists(Api api) {
    for (String email :
        new String[] {Accounts.uniqueEmail("flood"), Accounts.uniqueEmail("ghost")}) {
      for (int i = 0; i < 5; i++) {
        assertThat(
                api.post("/api/v1/auth/verify-email/resend", new JsonObject().put("email", email))
                    .status())
            .isEqualTo(202);
      }
      Api.Response sixth =
          api.post("/api/v1/auth/verify-email/resend", new JsonObject().put("email", email));
      assertThat(sixth.status()).isEqualTo(429);
      assertThat(sixth.header("Retry-After")).isNotNull();
    }
  }

  @Test
  void aCodeForAnUnknownEmailIs400AndAMalformedCodeIs422(Api api) {
    Api.Response unknown =
        api.post(
            "/api/v1/auth/verify-email",
            new JsonObject().put("email", Accounts.uniqueEmail("nobody")).put("code", "123456"));
    assertThat(unknown.status()).isEqualTo(400);
    Api.Response malformed =
        api.post(
            "/api/v1/auth/verify-email",
            new JsonObject().put("email", Accounts.uniqueEmail("nobody")).put("code", "12ab"));
    assertThat(malformed.status()).isEqualTo(422);
    assertThat(fields(malformed)).contains("code");
  }

  @Test
  void aDuplicateEmailIs409WhateverItsCase(Api api) {
    String email = Accounts.uniqueEmail("dup");
    assertThat(api.post("/api/v1/auth/register", Accounts.registration(email, null)).status())
        .isEqualTo(201);
    Api.Response again =
        api.post("/api/v1/auth/register", Accounts.registration(email.toUpperCase(), null));
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
  }

  @Test
  void weakPasswordsAndBadEmailsAre422(Api api) {
    for (String weak :
        new String[] {"short", "password123", "aaaaaaaaaaaa", "1234567890", "qwertyuiop"}) {
      Api.Response r =
          api.post(
              "/api/v1/auth/register",
              Accounts.registration(Accounts.uniqueEmail("weak"), null).put("password", weak));
      assertThat(r.status()).as(weak).isEqualTo(422);
      assertThat(fields(r)).as(weak).contains("password");
    }
    String email = Accounts.uniqueEmail("mirror");
    Api.Response containsEmail =
        api.post(
            "/api/v1/auth/register",
            Accounts.registration(email, null).put("password", email.split("@")[0] + "!X9"));
    assertThat(containsEmail.status()).isEqualTo(422);
    for (String bad :
        new String[] {"plainaddress", "a@b", "a b@example.com", "@example.com", "x@example..com"}) {
      Api.Response r = api.post("/api/v1/auth/register", Accounts.registration(bad, null));
      assertThat(r.status()).as(bad).isEqualTo(422);
      assertThat(fields(r)).as(bad).contains("email");
    }
  }

  @Test
  void aRoleInTheBodyIsRefusedAndNeverHonoured(Api api) {
    String email = Accounts.uniqueEmail("sneaky");
    Api.Response withRole =
        api.post("/api/v1/auth/register", Accounts.registration(email, null).put("role", "admin"));
    assertThat(withRole.status()).isEqualTo(422);
    assertThat(fields(withRole)).contains("role");
    Api.Response withAdmin =
        api.post("/api/v1/auth/register", Accounts.registration(email, null).put("admin", true));
    assertThat(withAdmin.status()).isEqualTo(422);
    Api.Response adminType =
        api.post("/api/v1/auth/register", Accounts.registration(email, "admin"));
    assertThat(adminType.status()).isEqualTo(422);
    assertThat(fields(adminType)).contains("accountType");
    Api.Response nothingCreated =
        api.post(
            "/api/v1/auth/login",
            new JsonObject().put("email", email).put("password", Accounts.PASSWORD));
    assertThat(nothingCreated.status()).isEqualTo(401);
  }

  @Test
  void sellersRegisterWithAccountType(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    assertThat(api.get("/api/v1/users/me", seller.accessToken()).json().getString("role"))
        .isEqualTo("seller");
  }
}
