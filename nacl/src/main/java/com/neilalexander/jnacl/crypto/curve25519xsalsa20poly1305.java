package com.neilalexander.jnacl.crypto;

import org.daisyjava.nacl.Box;
import org.daisyjava.nacl.SecretBox;
import org.daisyjava.nacl.X25519;

/**
 * The entry points of {@code crypto_box} that JeroMQ 0.6.0's CURVE mechanism calls, under the
 * class name it was compiled against (jnacl 1.0.0's, lower case and all), served by {@link Box}.
 * The project's build leaves jnacl out, so this is the only class of the name on the class path;
 * why, and how it is checked against jnacl itself, is in nacl/README.md.
 *
 * <p>Lengths are NaCl's padded ones (see {@link SecretBox}); one that the arrays cannot hold is
 * refused with -1 rather than thrown as an index error from inside a ZeroMQ I/O thread.
 */
public final class curve25519xsalsa20poly1305 {
  public static final int crypto_secretbox_PUBLICKEYBYTES = 32;
  public static final int crypto_secretbox_SECRETKEYBYTES = 32;
  public static final int crypto_secretbox_BEFORENMBYTES = 32;
  public static final int crypto_secretbox_NONCEBYTES = 24;
  public static final int crypto_secretbox_ZEROBYTES = SecretBox.ZERO_BYTES;
  public static final int crypto_secretbox_BOXZEROBYTES = SecretBox.BOX_ZERO_BYTES;

  private curve25519xsalsa20poly1305() {}

  public static int crypto_box_getpublickey(byte[] pk, byte[] sk) {
    X25519.scalarMultBase(pk, sk);
    return 0;
  }

  public static int crypto_box_keypair(byte[] pk, byte[] sk) {
    Box.keyPair(pk, sk);
    return 0;
  }

  public static int crypto_box_beforenm(byte[] k, byte[] pk, byte[] sk) {
    return Box.beforenm(k, pk, sk);
  }

  public static int crypto_box_afternm(byte[] c, byte[] m, long mlen, byte[] n, byte[] k) {
    return xsalsa20poly1305.crypto_secretbox(c, m, mlen, n, k);
  }

  public static int crypto_box_open_afternm(byte[] m, byte[] c, long clen, byte[] n, byte[] k) {
    return xsalsa20poly1305.crypto_secretbox_open(m, c, clen, n, k);
  }

  public static int crypto_box(byte[] c, byte[] m, long mlen, byte[] n, byte[] pk, byte[] sk) {
    int length = xsalsa20poly1305.length(mlen, m, c);
    return length < 0 ? -1 : Box.seal(c, m, length, n, pk, sk);
  }

  public static int crypto_box_open(byte[] m, byte[] c, long clen, byte[] n, byte[] pk, byte[] sk) {
    int length = xsalsa20poly1305.length(clen, c, m);
    return length < 0 ? -1 : Box.open(m, c, length, n, pk, sk);
  }

  public static int crypto_box_afternm(byte[] c, byte[] m, byte[] n, byte[] k) {
    return crypto_box_afternm(c, m, m.length, n, k);
  }

  public static int crypto_box_open_afternm(byte[] m, byte[] c, byte[] n, byte[] k) {
    return crypto_box_open_afternm(m, c, c.length, n, k);
  }

  public static int crypto_box(byte[] c, byte[] m, byte[] n, byte[] pk, byte[] sk) {
    return crypto_box(c, m, m.length, n, pk, sk);
  }

  public static int crypto_box_open(byte[] m, byte[] c, byte[] n, byte[] pk, byte[] sk) {
    return crypto_box_open(m, c, c.length, n, pk, sk);
  }
}
