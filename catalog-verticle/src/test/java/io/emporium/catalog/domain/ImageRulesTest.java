package io.emporium.catalog.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.catalog.domain.ImageRules.Format;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageRulesTest {

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void jpegPngAndWebpAreToldByTheirLeadingBytes() {
    assertThat(ImageRules.sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F')))
        .contains(Format.JPEG);
    assertThat(ImageRules.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D)))
        .contains(Format.PNG);
    assertThat(ImageRules.sniff(ascii("RIFF\u001a\0\0\0WEBPVP8L"))).contains(Format.WEBP);
    assertThat(Format.WEBP.contentType).isEqualTo("image/webp");
    assertThat(Format.JPEG.extension).isEqualTo("jpg");
  }

  @Test
  void anythingElseIsNoImageWhateverItIsCalled() {
    assertThat(ImageRules.sniff(ascii("just some text, not a picture.png"))).isEmpty();
    assertThat(ImageRules.sniff(new byte[0])).isEmpty();
    assertThat(ImageRules.sniff(bytes(0xFF, 0xD8))).as("a cut-off jpeg signature").isEmpty();
    assertThat(ImageRules.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A)))
        .as("a cut-off png signature")
        .isEmpty();
    assertThat(ImageRules.sniff(ascii("RIFF\u001a\0\0\0WAVEfmt ")))
        .as("a RIFF that is audio")
        .isEmpty();
    assertThat(ImageRules.sniff(ascii("GIF89a\u0001\0\u0001\0\0\0")))
        .as("gif is not accepted")
        .isEmpty();
    byte[] shifted = new byte[20];
    System.arraycopy(bytes(0xFF, 0xD8, 0xFF), 0, shifted, 1, 3);
    assertThat(ImageRules.sniff(shifted)).as("the signature must lead").isEmpty();
  }

  @Test
  void onlyAbsoluteWebUrlsOfBoundedLengthAreImageAddresses() {
    assertThat(ImageRules.urlProblem("https://cdn.example.com/a/b.jpg?w=200")).isEmpty();
    assertThat(ImageRules.urlProblem("HTTP://example.com/x.png")).isEmpty();
    String longest = "https://example.com/" + "a".repeat(ImageRules.MAX_URL - 20);
    assertThat(ImageRules.urlProblem(longest)).isEmpty();
    assertThat(ImageRules.urlProblem(longest + "a")).contains("must be at most 2048 characters");
    for (String bad :
        Arrays.asList(
            "ftp://example.com/x.png",
            "javascript:alert(1)",
            "/api/v1/images/x",
            "example.com/x.png",
            "https:///x.png",
            "https://exa mple.com/x.png",
            "data:image/png;base64,AAAA",
            "",
            null)) {
      assertThat(ImageRules.urlProblem(bad)).as(String.valueOf(bad)).isPresent();
    }
  }
}
