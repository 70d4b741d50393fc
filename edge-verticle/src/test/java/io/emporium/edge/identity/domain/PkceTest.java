package io.emporium.edge.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PkceTest {
  @Test
  void theChallengeIsTheOneOfRfc7636AppendixB() {
    assertThat(Pkce.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
        .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  }

  @Test
  void eachVerifierIsNewAndWithinTheLengthsTheRfcAllows() {
    String a = Pkce.newVerifier();
    String b = Pkce.newVerifier();
    assertThat(a).isNotEqualTo(b).matches("[A-Za-z0-9_-]{43,128}");
    assertThat(Pkce.challenge(a)).isNotEqualTo(Pkce.challenge(b)).hasSize(43);
  }
}
