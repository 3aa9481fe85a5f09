package io.cairn.server.tls;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.SecretFile;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A server's certificate chain and private key, from PEM files ({@code --tls-cert}, {@code --tls-key}):
 * the chain starts with the server's own certificate; the key is PKCS#8 or the traditional
 * RSA/EC form, unencrypted, in a file only its owner may read (a looser one is refused as every
 * secret file is). {@link #sslContextFactory} checks that the key belongs to the certificate, and
 * {@link #watch} serves new files without a restart.
 */
public record ServerTls(Path certFile, Path keyFile) {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    /** How often a server looks for new certificate and key files. */
    public static final Duration RELOAD_EVERY = Duration.ofSeconds(5);
    /** The only protocol versions served. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    public ServerTls {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }

    /** Both files, or neither (null); one without the other is a usage error. */
    public static ServerTls of(Path certFile, Path keyFile) {
        if (certFile == null && keyFile == null) {
            return null;
        }
        if (certFile == null || keyFile == null) {
            throw new IllegalArgumentException("--tls-cert FILE and --tls-key FILE go together");
        }
        return new ServerTls(certFile, keyFile);
    }

    /** A Jetty factory serving this chain and key over TLS 1.2 and 1.3 only. */
    public SslContextFactory.Server sslContextFactory() throws IOException {
        Loaded l = load();
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setKeyStore(l.store());
        f.setKeyStorePassword(l.password());
        f.setIncludeProtocols(PROTOCOLS);
        f.setSniRequired(false);
        return f;
    }

    /** The chain and key as a key store under a throwaway password, and the certificate served. */
    record Loaded(KeyStore store, String password, X509Certificate certificate) {
    }

    /** Reads both files and checks that the key belongs to the first certificate. */
    Loaded load() throws IOException {
        List<X509Certificate> chain = readChain(certFile);
        PrivateKey key = readKey(keyFile);
        checkPair(key, chain.get(0));
        try {
            char[] password = HexFormat.of().formatHex(randomBytes(16)).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("cairn", key, password, chain.toArray(new X509Certificate[0]));
            return new Loaded(store, new String(password), chain.get(0));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key in " + keyFile + " with " + certFile + ": " + e.getMessage(), e);
        }
    }

    /** What the two files look like now (time, size, inode of each): it changes when either is rewritten. */
    Object stamp() {
        List<Object> out = new ArrayList<>();
        for (Path p : new Path[] {certFile, keyFile}) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.add(List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey())));
            } catch (IOException e) {
                out.add("missing");
            }
        }
        return out;
    }

    /**
     * Serves the files anew through {@code f} once they change: checked every {@code every} on a
     * daemon thread until {@link AutoCloseable#close}. New files that cannot be used (one half
     * copied, a key that is not the certificate's) are logged and the certificate served before
     * stays; they are tried again when they change again.
     */
    public AutoCloseable watch(SslContextFactory.Server f, Duration every, String role) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-tls-reload");
            t.setDaemon(true);
            return t;
        });
        Object[] seen = {stamp()};
        timer.scheduleWithFixedDelay(() -> {
            Object now = stamp();
            if (now.equals(seen[0])) {
                return;
            }
            seen[0] = now;
            try {
                Loaded l = load();
                f.reload(x -> {
                    x.setKeyStore(l.store());
                    x.setKeyStorePassword(l.password());
                });
                LOG.info("the {} serves the new certificate in {} ({}, until {}) to new connections", role, certFile,
                        l.certificate().getSubjectX500Principal().getName(), l.certificate().getNotAfter().toInstant());
            } catch (Exception e) {
                LOG.warn("the {} keeps serving the certificate it had: the changed {} and {} cannot be used: {}", role,
                        certFile, keyFile, e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** The certificates in {@code file}, in order. */
    static List<X509Certificate> readChain(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser pem = new PEMParser(reader(file))) {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(conv.getCertificate(h));
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CairnException(ErrorCode.EINVAL, file + " does not hold PEM certificates: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new CairnException(ErrorCode.EINVAL, file + " holds no PEM certificate");
        }
        return out;
    }

    /** The private key in {@code file} (PKCS#8 or traditional PEM), refused when others may read it. */
    static PrivateKey readKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new CairnException(ErrorCode.ENOENT, "no key file " + file);
        }
        SecretFile.checkOwnerOnly(file);
        try (PEMParser pem = new PEMParser(reader(file))) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return conv.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return conv.getPrivateKey(pair.getPrivateKeyInfo()); // the public half may be absent
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                    throw new CairnException(ErrorCode.EINVAL, file + " holds an encrypted key: give it unencrypted"
                            + " (mode 0600)");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof CairnException c) {
                throw c;
            }
            throw new CairnException(ErrorCode.EINVAL, file + " does not hold a PEM private key: " + e.getMessage());
        }
        throw new CairnException(ErrorCode.EINVAL, file + " holds no PEM private key");
    }

    private static Reader reader(Path file) throws IOException {
        try {
            return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.ENOENT, "no such file " + file);
        }
    }

    /** Signs and verifies a few bytes: the key must belong to the certificate it is served with. */
    private void checkPair(PrivateKey key, X509Certificate cert) throws IOException {
        String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            byte[] probe = "cairn".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            if (v.verify(sig)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another kind than the certificate's: not its key
        }
        throw new CairnException(ErrorCode.EINVAL, "the key in " + keyFile + " does not belong to the first certificate in "
                + certFile);
    }
}
