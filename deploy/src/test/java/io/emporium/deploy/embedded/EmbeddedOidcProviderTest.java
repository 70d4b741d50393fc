package io.emporium.deploy.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EmbeddedOidcProviderTest {
  @Test
  void aUsernameWithAnAtSignIsTheVerifiedEmail() {
    assertThat(EmbeddedOidcProvider.claimsOf(" Ada@Example.com "))
        .isEqualTo(
            new JsonObject()
                .put("email", "ada@example.com")
                .put("email_verified", true)
                .put("name", "Ada"));
  }

  @Test
  void anyOtherUsernameSignsInWithAnAddressOfTheDevelopmentDomain() {
    assertThat(EmbeddedOidcProvider.claimsOf("Grace Hopper").getString("email"))
        .isEqualTo("gracehopper@dev.emporium.test");
    assertThat(EmbeddedOidcProvider.claimsOf("Grace Hopper").getString("name"))
        .isEqualTo("Grace Hopper");
    assertThat(EmbeddedOidcProvider.claimsOf("!!!").getString("email"))
        .isEqualTo("user@dev.emporium.test");
  }
}
