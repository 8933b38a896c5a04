package org.daisyjava.core.protocol;

/**
 * The scheduler's half of a run's CURVE keys: its own pair (workers know the public half from
 * their key file) and the one client public key it admits.
 */
public record ServerKeys(CurveKeyPair server, String clientPublicKey) implements ServerSecurity {
  public ServerKeys {
    if (server == null) {
      throw new IllegalArgumentException("server key pair missing");
    }
    CurveKeyPair.requireKey("client public key", clientPublicKey);
  }

  @Override
  public String toString() {
    return "ServerKeys[server public " + server.publicKey() + ", client public " + clientPublicKey + "]";
  }
}
