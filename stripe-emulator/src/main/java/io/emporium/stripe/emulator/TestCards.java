package io.emporium.stripe.emulator;

import java.util.List;
import java.util.Optional;

/**
 * Stripe's test cards and test PaymentMethods that the emulator knows, by card number (the hosted
 * page) or PaymentMethod id (confirming a PaymentIntent), and how each one ends.
 */
final class TestCards {

  /** A test card; {@code errorCode} is null for one that pays. */
  record TestCard(
      String number,
      List<String> paymentMethods,
      String brand,
      String errorCode,
      String declineCode,
      String message) {
    boolean pays() {
      return errorCode == null;
    }

    String last4() {
      return number.substring(number.length() - 4);
    }
  }

  private static final List<TestCard> CARDS =
      List.of(
          new TestCard("4242424242424242", List.of("pm_card_visa"), "visa", null, null, null),
          new TestCard(
              "5555555555554444", List.of("pm_card_mastercard"), "mastercard", null, null, null),
          new TestCard(
              "4000000000000002",
              List.of("pm_card_visa_chargeDeclined", "pm_card_chargeDeclined"),
              "visa",
              "card_declined",
              "generic_decline",
              "Your card was declined."),
          new TestCard(
              "4000000000009995",
              List.of(
                  "pm_card_visa_chargeDeclinedInsufficientFunds",
                  "pm_card_chargeDeclinedInsufficientFunds"),
              "visa",
              "card_declined",
              "insufficient_funds",
              "Your card has insufficient funds."),
          new TestCard(
              "4000000000000069",
              List.of("pm_card_chargeDeclinedExpiredCard"),
              "visa",
              "expired_card",
              "expired_card",
              "Your card has expired."));

  private TestCards() {}

  /** A card number as typed: spaces and dashes are ignored. */
  static Optional<TestCard> byNumber(String typed) {
    String digits = typed == null ? "" : typed.replaceAll("[\\s-]", "");
    return CARDS.stream().filter(c -> c.number().equals(digits)).findFirst();
  }

  static Optional<TestCard> byPaymentMethod(String id) {
    return CARDS.stream().filter(c -> c.paymentMethods().contains(id)).findFirst();
  }

  static List<TestCard> all() {
    return CARDS;
  }
}
