package io.emporium.realtime.mail;

/** A transactional email, in text and HTML. */
public record Mail(String to, String subject, String text, String html) {}
