package com.neilalexander.jnacl.crypto;

import org.daisyjava.nacl.SecretBox;

/**
 * The entry points of {@code crypto_secretbox} that JeroMQ 0.6.0's CURVE mechanism calls (for
 * its cookies), under jnacl 1.0.0's class name, served by {@link SecretBox}; see {@link
 * curve25519xsalsa20poly1305}.
 */
public final class xsalsa20poly1305 {
  private xsalsa20poly1305() {}

  public static int crypto_secretbox(byte[] c, byte[] m, long mlen, byte[] n, byte[] k) {
    int length = length(mlen, m, c);
    return length < 0 ? -1 : SecretBox.seal(c, m, length, n, k);
  }

  public static int crypto_secretbox_open(byte[] m, byte[] c, long clen, byte[] n, byte[] k) {
    int length = length(clen, c, m);
    return length < 0 ? -1 : SecretBox.open(m, c, length, n, k);
  }

  /** {@code length} when both buffers hold that many bytes, else -1. */
  static int length(long length, byte[] in, byte[] out) {
    return length < 0 || length > in.length || length > out.length ? -1 : (int) length;
  }
}
