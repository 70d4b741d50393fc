package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Access on the bridge is live: after a logout, a password reset, a deactivation or a role change,
 * the registrations that lost their right stop receiving within a second, with an {@code
 * access_revoked} error frame.
 */
@ExtendWith(TestPlatform.class)
class BridgeRevocationIT {

  private static String orders(String userId) {
    return "user." + userId + ".orders";
  }

  private static Accounts.Account admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD);
  }

  @Test
  void aLogoutCutsThatSessionsRegistrationsAndClosesTheSocketWhileTheOtherSessionListensOn(Api api)
      throws Exception {
    Accounts.Account phone = Accounts.signedIn(api, null);
    Accounts.Account laptop = Accounts.login(api, phone.email(), Accounts.PASSWORD);
    String address = orders(phone.id());
    try (BridgeClient loggedOut = BridgeClient.connect();
        BridgeClient stillIn = BridgeClient.connect()) {
      loggedOut.register(address, phone.accessToken());
      stillIn.register(address, laptop.accessToken());
      loggedOut.awaitListening(address);
      stillIn.awaitListening(address);

      Api.Response out =
          api.post(
              "/api/v1/auth/logout",
              phone.accessToken(),
              new JsonObject().put("refreshToken", phone.refreshToken()));
      assertThat(out.status()).as(out.toString()).isEqualTo(204);
      Instant revokedAt = Instant.now();

      loggedOut.assertCutOff(address, revokedAt, stillIn);
      assertThat(loggedOut.awaitClosed(Duration.ofSeconds(5)))
          .as("the socket with nothing left to hear is closed")
          .isTrue();
    }
  }

  @Test
  void aPasswordResetCutsEveryRegistrationOfTheAccount(Api api) throws Exception {
    Accounts.Account customer = Accounts.signedIn(api, null);
    Accounts.Account again = Accounts.login(api, customer.email(), Accounts.PASSWORD);
    String address = orders(customer.id());
    String inventory = "user." + customer.id() + ".inventory";
    try (BridgeClient first = BridgeClient.connect();
        BridgeClient second = BridgeClient.connect()) {
      first.register(address, customer.accessToken());
      first.register(inventory, customer.accessToken());
      second.register(address, again.accessToken());
      first.awaitListening(address);
      first.awaitListening(inventory);
      second.awaitListening(address);

      api.post("/api/v1/auth/forgot-password", new JsonObject().put("email", customer.email()));
      String token = Accounts.resetToken(api, customer.email(), 2);
      Api.Response reset =
          api.post(
              "/api/v1/auth/reset-password",
              new JsonObject().put("token", token).put("newPassword", "Brand-New-Orchard-77"));
      assertThat(reset.status()).as(reset.toString()).isEqualTo(204);
      Instant revokedAt = Instant.now();

      first.assertCutOff(address, revokedAt);
      first.assertCutOff(inventory, revokedAt);
      second.assertCutOff(address, revokedAt);
    }
  }

  @Test
  void deactivatingAnAccountCutsItsRegistrations(Api api) throws Exception {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String address = "seller." + seller.id() + ".orders";
    try (BridgeClient socket = BridgeClient.connect()) {
      socket.register(address, seller.accessToken());
      socket.awaitListening(address);

      Api.Response off =
          api.patch(
              "/api/v1/admin/users/" + seller.id(),
              admin(api).accessToken(),
              new JsonObject().put("active", false));
      assertThat(off.status()).as(off.toString()).isEqualTo(200);
      Instant revokedAt = Instant.now();

      socket.assertCutOff(address, revokedAt);
    }
  }

  @Test
  void anAdminDemotedToCustomerStopsHearingAdminAlertsButKeepsTheirOwnOrders(Api api)
      throws Exception {
    Accounts.Account admin = admin(api);
    Accounts.Account promoted = Accounts.signedIn(api, null);
    Api.Response up =
        api.patch(
            "/api/v1/admin/users/" + promoted.id(),
            admin.accessToken(),
            new JsonObject().put("role", "admin"));
    assertThat(up.status()).as(up.toString()).isEqualTo(200);
    String own = orders(promoted.id());
    try (BridgeClient demoted = BridgeClient.connect();
        BridgeClient otherAdmin = BridgeClient.connect()) {
      demoted.register("admin.alerts", promoted.accessToken());
      demoted.register(own, promoted.accessToken());
      otherAdmin.register("admin.alerts", admin.accessToken());
      demoted.awaitListening("admin.alerts");
      demoted.awaitListening(own);
      otherAdmin.awaitListening("admin.alerts");

      Api.Response down =
          api.patch(
              "/api/v1/admin/users/" + promoted.id(),
              admin.accessToken(),
              new JsonObject().put("role", "customer"));
      assertThat(down.status()).as(down.toString()).isEqualTo(200);
      Instant revokedAt = Instant.now();

      demoted.assertCutOff("admin.alerts", revokedAt, otherAdmin);
      // a customer may still hear their own orders, on the same socket
      demoted.awaitListening(own);
      assertThat(demoted.awaitClosed(Duration.ofMillis(200)))
          .as("the socket stays open for what is still allowed")
          .isFalse();
    }
  }
}
