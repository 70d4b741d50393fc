package io.emporium.edge.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedirectAllowlistTest {
  private final RedirectAllowlist shop =
      new RedirectAllowlist(
          List.of("https://shop.example.com/auth", "https://app.example.com:8443"));

  @Test
  void aUriMatchesAnEntrysOriginAndLiesUnderItsPath() {
    assertThat(shop.allows("https://shop.example.com/auth")).isTrue();
    assertThat(shop.allows("https://shop.example.com/auth/done?from=cart")).isTrue();
    assertThat(shop.allows("https://SHOP.example.com:443/auth/done")).isTrue();
    assertThat(shop.allows("https://app.example.com:8443/anywhere")).isTrue();
  }

  @Test
  void anotherSchemeHostPortOrPathDoesNotMatch() {
    assertThat(shop.allows("http://shop.example.com/auth")).isFalse();
    assertThat(shop.allows("https://shop.example.com.evil.test/auth")).isFalse();
    assertThat(shop.allows("https://evil.test/https://shop.example.com/auth")).isFalse();
    assertThat(shop.allows("https://shop.example.com:8443/auth")).isFalse();
    assertThat(shop.allows("https://shop.example.com/authority")).isFalse();
    assertThat(shop.allows("https://shop.example.com/auth/../admin")).isFalse();
    assertThat(shop.allows("https://app.example.com/anywhere")).isFalse();
  }

  @Test
  void userInfoFragmentsAndNonHttpUrisNeverMatch() {
    assertThat(shop.allows("https://shop.example.com@evil.test/auth")).isFalse();
    assertThat(shop.allows("https://x@shop.example.com/auth")).isFalse();
    assertThat(shop.allows("https://shop.example.com/auth#frag")).isFalse();
    assertThat(shop.allows("javascript:alert(1)")).isFalse();
    assertThat(shop.allows("//shop.example.com/auth")).isFalse();
    assertThat(shop.allows("/auth")).isFalse();
    assertThat(shop.allows("not a uri")).isFalse();
    assertThat(shop.allows(null)).isFalse();
  }

  @Test
  void theLoopbackListTakesAnyPortOnLocalhostOnly() {
    RedirectAllowlist loopback = new RedirectAllowlist(RedirectAllowlist.LOOPBACK);
    assertThat(loopback.allows("http://localhost:3000/login/done")).isTrue();
    assertThat(loopback.allows("https://127.0.0.1:5173/")).isTrue();
    assertThat(loopback.allows("http://localhost/")).isTrue();
    assertThat(loopback.allows("http://localhost.evil.test:3000/")).isFalse();
    assertThat(loopback.allows("http://10.0.0.1:3000/")).isFalse();
    assertThat(new RedirectAllowlist(List.of()).allows("http://localhost:3000/")).isFalse();
  }
}
