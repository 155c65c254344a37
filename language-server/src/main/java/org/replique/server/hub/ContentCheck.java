package org.replique.server.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash a downloaded file must have: SHA-256 of the content for LFS files, or Git's blob hash
 * (SHA-1 of {@code "blob <size>\0"} then the content) for plain files.
 */
final class ContentCheck {
    private final String algorithm;
    private final String expected;
    private final byte[] prefix;

    private ContentCheck(String algorithm, String expected, byte[] prefix) {
        this.algorithm = algorithm;
        this.expected = expected;
        this.prefix = prefix;
    }

    static ContentCheck sha256(String expectedHex) {
        return new ContentCheck("SHA-256", expectedHex, new byte[0]);
    }

    static ContentCheck gitBlob(String expectedHex, long size) {
        String algorithm = expectedHex.length() == 64 ? "SHA-256" : "SHA-1";
        return new ContentCheck(algorithm, expectedHex, ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    /** A digest ready for the content (the Git header already fed in). */
    MessageDigest newDigest() {
        try {
            MessageDigest d = MessageDigest.getInstance(algorithm);
            d.update(prefix);
            return d;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    /** The hex hash of what a digest has seen (it is reset by this). */
    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    String expected() {
        return expected;
    }

    /** What the hash is, for messages: "sha256" or "git blob hash". */
    String describe() {
        return prefix.length == 0 ? "sha256" : "git blob hash";
    }
}
