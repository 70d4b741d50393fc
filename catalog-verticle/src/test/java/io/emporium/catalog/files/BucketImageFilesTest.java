package io.emporium.catalog.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig.ImageBucket;
import org.junit.jupiter.api.Test;

class BucketImageFilesTest {

  @Test
  void pathStyleNamesTheBucketInThePathAndKeepsAnExplicitPortInTheHost() {
    ImageBucket minio =
        new ImageBucket("shop-images", "http://127.0.0.1:9000", "us-east-1", "id", "secret", true);
    assertThat(BucketImageFiles.target(minio, "images/ab.png"))
        .isEqualTo(
            new BucketImageFiles.Target(
                "127.0.0.1", 9000, false, "127.0.0.1:9000", "/shop-images/images/ab.png"));
  }

  @Test
  void virtualHostedStyleNamesTheBucketInTheHost() {
    ImageBucket aws =
        new ImageBucket(
            "shop-images",
            "https://s3.eu-west-3.amazonaws.com",
            "eu-west-3",
            "id",
            "secret",
            false);
    assertThat(BucketImageFiles.target(aws, "images/ab.png"))
        .isEqualTo(
            new BucketImageFiles.Target(
                "shop-images.s3.eu-west-3.amazonaws.com",
                443,
                true,
                "shop-images.s3.eu-west-3.amazonaws.com",
                "/images/ab.png"));
  }
}
