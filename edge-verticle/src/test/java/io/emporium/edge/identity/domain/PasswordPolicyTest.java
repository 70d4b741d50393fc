package io.emporium.edge.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

  @Test
  void longUnusualPassphrasesPass() {
    assertThat(PasswordPolicy.check("correct horse battery", "ann@example.com", "Ann Example"))
        .isEmpty();
    assertThat(PasswordPolicy.check("Sturdy-Garden-Lamp-42", null, null)).isEmpty();
    assertThat(PasswordPolicy.check("žluťoučký kůň 42", null, null)).isEmpty();
  }

  @Test
  void shortLongCommonRepetitiveAndSequentialPasswordsFail() {
    assertThat(PasswordPolicy.check("Ab1!xyz", null, null))
        .contains("must be at least 10 characters");
    assertThat(PasswordPolicy.check("é".repeat(40), null, null))
        .contains("must be at most 72 bytes");
    assertThat(PasswordPolicy.check("Password123", null, null)).contains("is too common");
    assertThat(PasswordPolicy.check("qwerty1234!", null, null)).contains("is too common");
    assertThat(PasswordPolicy.check("abababababab", null, null))
        .contains("must use at least 5 different characters");
    assertThat(PasswordPolicy.check("abcdefghijkl", null, null))
        .contains("must not be a keyboard or alphabet sequence");
    assertThat(PasswordPolicy.check("9876543210", null, null)).isPresent();
  }

  @Test
  void passwordsBuiltFromTheAccountFail() {
    assertThat(PasswordPolicy.check("margaret-2026-xyz", "margaret@example.com", null))
        .contains("must not contain your email address");
    assertThat(PasswordPolicy.check("Henderson!Rules7", "mh@example.com", "Mary Henderson"))
        .contains("must not contain your name");
  }
}
