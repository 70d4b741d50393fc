package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class AdminSettingsIT {

  private static Api.Response put(Api api, String token, JsonObject body) {
    return api.send(HttpMethod.PUT, "/api/v1/admin/settings", token, body, Map.of());
  }

  @Test
  void adminsReadAndReplaceTheSettings(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    JsonObject before = api.get("/api/v1/admin/settings", admin).json();
    assertThat(before.getBoolean("productApprovalRequired"))
        .as("approval is off until an admin turns it on")
        .isFalse();
    try {
      Api.Response changed =
          put(
              api,
              admin,
              new JsonObject().put("productApprovalRequired", true).put("lowStockThreshold", 3));
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
      assertThat(api.get("/api/v1/admin/settings", admin).json())
          .isEqualTo(
              new JsonObject().put("productApprovalRequired", true).put("lowStockThreshold", 3));
    } finally {
      put(api, admin, before);
    }
  }

  @Test
  void badSettingsAre422AndChangeNothing(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    JsonObject before = api.get("/api/v1/admin/settings", admin).json();
    for (JsonObject bad :
        new JsonObject[] {
          new JsonObject().put("productApprovalRequired", "yes").put("lowStockThreshold", 3),
          new JsonObject().put("productApprovalRequired", true).put("lowStockThreshold", 2.5),
          new JsonObject().put("productApprovalRequired", true).put("lowStockThreshold", -1),
          new JsonObject().put("productApprovalRequired", true)
        }) {
      Api.Response r = put(api, admin, bad);
      assertThat(r.status()).as(bad.encode()).isEqualTo(422);
    }
    assertThat(api.get("/api/v1/admin/settings", admin).json()).isEqualTo(before);
  }

  @Test
  void customersAndSellersGet403(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    assertThat(api.get("/api/v1/admin/settings", seller.accessToken()).status()).isEqualTo(403);
    assertThat(
            put(
                    api,
                    seller.accessToken(),
                    new JsonObject()
                        .put("productApprovalRequired", true)
                        .put("lowStockThreshold", 1))
                .status())
        .isEqualTo(403);
    assertThat(api.get("/api/v1/admin/settings").status()).isEqualTo(401);
  }
}
