package io.emporium.deploy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for tests, and leaf certificates it signs, written as PEM
 * files.
 */
final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
  private final Path dir;
  private final String name;
  private final KeyPair key;
  private final X509Certificate certificate;

  private TestCertificates(Path dir, String name, KeyPair key, X509Certificate certificate) {
    this.dir = dir;
    this.name = name;
    this.key = key;
    this.certificate = certificate;
  }

  /** A new CA named {@code name}; its certificate is written to {@code dir/name-ca.pem}. */
  static TestCertificates authority(Path dir, String name) throws Exception {
    KeyPair key = keyPair();
    X500Name subject = new X500Name("CN=" + name + " test CA");
    X509v3CertificateBuilder builder =
        builder(subject, subject, key)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate cert = sign(builder, key);
    TestCertificates ca = new TestCertificates(dir, name, key, cert);
    write(ca.caFile(), cert);
    return ca;
  }

  Path caFile() {
    return dir.resolve(name + "-ca.pem");
  }

  /** A leaf for 127.0.0.1 and localhost signed by this CA: {@code [certificate file, key file]}. */
  Path[] issue(String leaf) throws Exception {
    KeyPair leafKey = keyPair();
    X509v3CertificateBuilder builder =
        builder(
                new X500Name(certificate.getSubjectX500Principal().getName()),
                new X500Name("CN=" + leaf),
                leafKey)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(
                    new GeneralName[] {
                      new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                      new GeneralName(GeneralName.dNSName, "localhost")
                    }));
    X509Certificate cert = sign(builder, key);
    Path certFile = dir.resolve(name + "-" + leaf + ".pem");
    Path keyFile = dir.resolve(name + "-" + leaf + "-key.pem");
    write(certFile, cert);
    try (StringWriter out = new StringWriter();
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(new JcaPKCS8Generator(leafKey.getPrivate(), null));
      pem.flush();
      Files.writeString(keyFile, out.toString());
    }
    return new Path[] {certFile, keyFile};
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair subjectKey) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(2))),
        subject,
        subjectKey.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKey)
      throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
  }

  private static void write(Path file, X509Certificate cert) throws IOException {
    try (StringWriter out = new StringWriter();
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(cert);
      pem.flush();
      Files.writeString(file, out.toString());
    }
  }
}
