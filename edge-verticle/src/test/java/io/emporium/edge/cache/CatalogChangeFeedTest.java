package io.emporium.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.proto.events.v1.CategoryChanged;
import io.emporium.proto.events.v1.ProductChanged;
import io.emporium.proto.events.v1.StockChanged;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class CatalogChangeFeedTest {
  private static Buffer event(CatalogEvent.Builder event) {
    return Buffer.buffer(event.setEventId("e1").setProductId("p1").build().toByteArray());
  }

  @Test
  void aChangedProductRetiresItsPageAndANewOneOnlyTheListings() throws Exception {
    assertThat(
            CatalogChangeFeed.changeOf(
                event(
                    CatalogEvent.newBuilder()
                        .setProductChanged(ProductChanged.newBuilder().setReason("stock")))))
        .isEqualTo(CatalogCache.Change.product("p1"));
    assertThat(
            CatalogChangeFeed.changeOf(
                event(
                    CatalogEvent.newBuilder()
                        .setProductChanged(ProductChanged.newBuilder().setReason("created")))))
        .isEqualTo(CatalogCache.Change.LISTINGS);
  }

  @Test
  void aCategoryChangeRetiresTheTreeAndStockAlertsRetireNothing() throws Exception {
    assertThat(
            CatalogChangeFeed.changeOf(
                event(
                    CatalogEvent.newBuilder()
                        .setCategoryChanged(CategoryChanged.newBuilder().setCategoryId("c1")))))
        .isEqualTo(CatalogCache.Change.CATEGORIES);
    assertThat(
            CatalogChangeFeed.changeOf(
                event(
                    CatalogEvent.newBuilder().setStockLow(StockChanged.newBuilder().setSku("S1")))))
        .isNull();
    assertThat(CatalogChangeFeed.changeOf(null)).as("a tombstone").isNull();
  }

  @Test
  void anUnreadableEventIsReportedToTheCaller() {
    assertThatThrownBy(
            () ->
                CatalogChangeFeed.changeOf(
                    Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }
}
