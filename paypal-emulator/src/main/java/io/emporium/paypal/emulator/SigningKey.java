package io.emporium.paypal.emulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The key webhooks are signed with, as PayPal signs them (SHA256withRSA over {@code
 * transmissionId|transmissionTime|webhookId|crc32}), and the self-signed X.509 certificate of its
 * public key that {@code PAYPAL-CERT-URL} serves. The JDK signs but cannot issue a certificate
 * without internal APIs, so the certificate's DER is written here; it is parsed back with the JDK's
 * {@link CertificateFactory} before use. Kept in the data directory (key and certificate in one
 * file, replaced atomically, so they always match), so a restarted emulator signs with the same
 * key.
 */
final class SigningKey {
  static final String ALGORITHM = "SHA256withRSA";
  static final String FILE = "webhook-signing.pem";

  private final PrivateKey privateKey;
  private final X509Certificate certificate;
  private final String pem;
  private final String certId;

  private SigningKey(PrivateKey privateKey, X509Certificate certificate) {
    this.privateKey = privateKey;
    this.certificate = certificate;
    try {
      byte[] der = certificate.getEncoded();
      this.pem = pem("CERTIFICATE", der);
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
      this.certId =
          "CERT-" + hex.substring(0, 8) + "-" + hex.substring(8, 16) + "-" + hex.substring(16, 24);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A new key and certificate, kept in memory only. Slow (RSA key generation): not on an event
   * loop.
   */
  static SigningKey generate(Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      byte[] der = selfSignedCertificate(pair, now);
      return new SigningKey(pair.getPrivate(), parseCertificate(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA and SHA256withRSA are part of every JDK", e);
    }
  }

  /** The key and certificate kept in {@code dir}, made and written there the first time. */
  static SigningKey loadOrCreate(Path dir, Instant now) {
    Path file = dir.resolve(FILE);
    try {
      Files.createDirectories(dir);
      if (Files.exists(file)) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        PrivateKey key =
            KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(unpem(text, "PRIVATE KEY")));
        return new SigningKey(key, parseCertificate(unpem(text, "CERTIFICATE")));
      }
      SigningKey made = generate(now);
      // a name of its own, so two emulators starting on one directory do not write one file
      Path next = Files.createTempFile(dir, FILE, ".next", ownerOnly());
      try {
        Files.writeString(
            next,
            pem("PRIVATE KEY", made.privateKey.getEncoded()) + made.pem,
            StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(next);
      }
      return made;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the webhook signing key in " + dir, e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "the webhook signing key in " + file + " is unreadable; delete it to make a new one", e);
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
  }

  /** The certificate, PEM-encoded, as {@code PAYPAL-CERT-URL} serves it. */
  String certificatePem() {
    return pem;
  }

  /** {@code CERT-xxxxxxxx-xxxxxxxx-xxxxxxxx}, the last segment of the certificate's URL. */
  String certId() {
    return certId;
  }

  PublicKey publicKey() {
    return certificate.getPublicKey();
  }

  /** The string PayPal signs: {@code transmissionId|transmissionTime|webhookId|crc32(body)}. */
  static String signedString(
      String transmissionId, String transmissionTime, String webhookId, byte[] body) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(body);
    return transmissionId + "|" + transmissionTime + "|" + webhookId + "|" + crc.getValue();
  }

  /** {@code PAYPAL-TRANSMISSION-SIG}: base64 of the SHA256withRSA signature of the string. */
  String sign(String signedString) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initSign(privateKey);
      signature.update(signedString.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean verify(String signedString, String transmissionSig) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initVerify(publicKey());
      signature.update(signedString.getBytes(StandardCharsets.UTF_8));
      return signature.verify(Base64.getDecoder().decode(transmissionSig));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
  }

  // --- a self-signed X.509 v3 certificate, in DER ---

  private static final byte[] SHA256_WITH_RSA = oid(1, 2, 840, 113549, 1, 1, 11);

  static byte[] selfSignedCertificate(KeyPair pair, Instant now) throws GeneralSecurityException {
    byte[] algorithm = sequence(SHA256_WITH_RSA, tlv(0x05, new byte[0]));
    byte[] name =
        sequence(
            rdn(oid(2, 5, 4, 6), tlv(0x13, ascii("US"))),
            rdn(oid(2, 5, 4, 10), tlv(0x0c, utf8("PayPal emulator"))),
            rdn(oid(2, 5, 4, 3), tlv(0x0c, utf8("messageverificationcerts.paypal.emulator"))));
    Instant from = now.truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.DAYS);
    Instant until = from.plus(3650, ChronoUnit.DAYS);
    byte[] serial = new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray();
    byte[] tbs =
        sequence(
            tlv(0xa0, tlv(0x02, new byte[] {2})),
            tlv(0x02, serial),
            algorithm,
            name,
            sequence(time(from), time(until)),
            name,
            pair.getPublic().getEncoded());
    Signature signature = Signature.getInstance(ALGORITHM);
    signature.initSign(pair.getPrivate());
    signature.update(tbs);
    byte[] signed = signature.sign();
    byte[] bits = new byte[signed.length + 1];
    System.arraycopy(signed, 0, bits, 1, signed.length);
    return sequence(tbs, algorithm, tlv(0x03, bits));
  }

  private static X509Certificate parseCertificate(byte[] der) throws GeneralSecurityException {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static byte[] rdn(byte[] oid, byte[] value) {
    return tlv(0x31, sequence(oid, value));
  }

  private static byte[] time(Instant instant) {
    ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
    if (t.getYear() < 2050) {
      return tlv(
          0x17, ascii(t.format(DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT))));
    }
    return tlv(
        0x18, ascii(t.format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'", Locale.ROOT))));
  }

  private static byte[] oid(long... arcs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      base128(out, arcs[i]);
    }
    return tlv(0x06, out.toByteArray());
  }

  private static void base128(ByteArrayOutputStream out, long value) {
    int groups = 1;
    for (long v = value >>> 7; v != 0; v >>>= 7) {
      groups++;
    }
    for (int i = groups - 1; i >= 0; i--) {
      int b = (int) ((value >>> (7 * i)) & 0x7f);
      out.write(i == 0 ? b : b | 0x80);
    }
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return tlv(0x30, out.toByteArray());
  }

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((length >>> (8 * i)) & 0xff);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] unpem(String text, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no " + type + " in the file");
    }
    return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to).strip());
  }
}
