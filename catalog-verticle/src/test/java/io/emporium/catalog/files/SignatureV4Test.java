package io.emporium.catalog.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples of AWS's "Signature Calculations for the Authorization Header" page for S3. */
class SignatureV4Test {
  private final SignatureV4 example =
      new SignatureV4(
          "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3");

  @Test
  void getObjectWithARangeMatchesTheAwsExample() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", "examplebucket.s3.amazonaws.com");
    headers.put("Range", "bytes=0-9");
    headers.put("x-amz-content-sha256", SignatureV4.EMPTY_PAYLOAD);
    headers.put("x-amz-date", "20130524T000000Z");
    assertThat(example.authorization("GET", "/test.txt", headers, SignatureV4.EMPTY_PAYLOAD))
        .isEqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  }

  @Test
  void putObjectSignsThePayloadHashAndEncodesTheKey() {
    String payload =
        SignatureV4.sha256Hex("Welcome to Amazon S3.".getBytes(StandardCharsets.UTF_8));
    assertThat(payload)
        .isEqualTo("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", "examplebucket.s3.amazonaws.com");
    headers.put("Date", "Fri, 24 May 2013 00:00:00 GMT");
    headers.put("x-amz-date", "20130524T000000Z");
    headers.put("x-amz-storage-class", "REDUCED_REDUNDANCY");
    headers.put("x-amz-content-sha256", payload);
    assertThat(example.authorization("PUT", "/test$file.text", headers, payload))
        .endsWith(
            ",SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  }

  @Test
  void pathsKeepSlashesAndUnreservedCharactersOnly() {
    assertThat(SignatureV4.encodePath("/shop-images/images/ab12.png"))
        .isEqualTo("/shop-images/images/ab12.png");
    assertThat(SignatureV4.encodePath("/b/a key+é~_.png")).isEqualTo("/b/a%20key%2B%C3%A9~_.png");
  }

  @Test
  void datesAreBasicIso8601InUtc() {
    assertThat(SignatureV4.amzDate(Instant.parse("2013-05-24T00:00:00Z")))
        .isEqualTo("20130524T000000Z");
  }
}
