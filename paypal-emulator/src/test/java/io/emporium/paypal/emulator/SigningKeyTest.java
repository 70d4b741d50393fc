package io.emporium.paypal.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
  private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");

  private static X509Certificate parse(String pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void theCertificateIsAValidSelfSignedRsaCertificateTheJdkReads() throws Exception {
    SigningKey key = SigningKey.generate(NOW);
    X509Certificate cert = parse(key.certificatePem());
    assertThat(cert.getVersion()).isEqualTo(3);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(cert.getSubjectX500Principal().getName())
        .contains("CN=messageverificationcerts.paypal.emulator");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    cert.verify(cert.getPublicKey());
    cert.checkValidity(java.util.Date.from(NOW));
    cert.checkValidity(java.util.Date.from(NOW.plusSeconds(9L * 365 * 24 * 3600)));
    assertThat(key.certId()).matches("CERT-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}");
  }

  @Test
  void signaturesCoverIdTimeWebhookIdAndTheUnsignedCrc32OfTheBody() throws Exception {
    SigningKey key = SigningKey.generate(NOW);
    byte[] body =
        "{\"id\":\"WH-1\",\"summary\":\"Zahlung über 12,30 €\"}".getBytes(StandardCharsets.UTF_8);
    String signed = SigningKey.signedString("tid", "2026-12-03T08:00:00Z", "WEBHOOK", body);
    CRC32 crc = new CRC32();
    crc.update(body);
    assertThat(signed).isEqualTo("tid|2026-12-03T08:00:00Z|WEBHOOK|" + crc.getValue());
    String signature = key.sign(signed);

    Signature check = Signature.getInstance("SHA256withRSA");
    check.initVerify(parse(key.certificatePem()));
    check.update(signed.getBytes(StandardCharsets.UTF_8));
    assertThat(check.verify(Base64.getDecoder().decode(signature))).isTrue();
    assertThat(key.verify(signed, signature)).isTrue();
    assertThat(key.verify(signed.replace("WEBHOOK", "OTHER"), signature)).isFalse();
    assertThat(key.verify(signed, "not base64!")).isFalse();
  }

  @Test
  void crcAboveTwoToThe31IsWrittenUnsigned() {
    // a body whose CRC32 has the top bit set: a signed int would print negative
    for (int i = 0; ; i++) {
      byte[] body = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
      CRC32 crc = new CRC32();
      crc.update(body);
      if (crc.getValue() > Integer.MAX_VALUE) {
        assertThat(SigningKey.signedString("a", "b", "c", body)).endsWith("|" + crc.getValue());
        assertThat(SigningKey.signedString("a", "b", "c", body)).doesNotContain("-");
        return;
      }
    }
  }

  @Test
  void theKeyIsKeptInTheDataDirectory(@TempDir Path dir) throws Exception {
    SigningKey first = SigningKey.loadOrCreate(dir, NOW);
    SigningKey again = SigningKey.loadOrCreate(dir, NOW.plusSeconds(60));
    assertThat(again.certificatePem()).isEqualTo(first.certificatePem());
    assertThat(again.verify("x", first.sign("x"))).isTrue();
    assertThat(Files.readString(dir.resolve(SigningKey.FILE)))
        .startsWith("-----BEGIN PRIVATE KEY-----")
        .contains("-----BEGIN CERTIFICATE-----");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve(SigningKey.FILE));
    }
  }
}
