package io.cairn.server.tls;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A cluster's own certificate authority in a directory: {@code ca.pem} and {@code ca.key} (0600),
 * made on first use and reused after, and the host certificates it signs, {@code HOST.pem} (the
 * host's certificate, then the CA's) and {@code HOST.key} (0600), each naming its host's DNS names
 * and IP addresses as subjectAltNames (an IP as an IP SAN). Keys are ECDSA P-256; a CA is valid for
 * 10 years, a host certificate for 2.
 */
public final class ClusterCa {
    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca.key";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration HOST_VALIDITY = Duration.ofDays(730);
    private static final Pattern DNS_NAME = Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final X509Certificate cert;
    private final PrivateKey key;
    private final boolean made;

    private ClusterCa(Path dir, X509Certificate cert, PrivateKey key, boolean made) {
        this.dir = dir;
        this.cert = cert;
        this.key = key;
        this.made = made;
    }

    /** The CA in {@code dir}, made there first when {@code dir} has none. */
    public static ClusterCa openOrCreate(Path dir) throws IOException {
        Path certFile = dir.resolve(CA_CERT);
        Path keyFile = dir.resolve(CA_KEY);
        if (Files.exists(certFile) || Files.exists(keyFile)) {
            return new ClusterCa(dir, ServerTls.readChain(certFile).get(0), ServerTls.readKey(keyFile), false);
        }
        Files.createDirectories(dir);
        try {
            KeyPair pair = newKeyPair();
            X500Name name = new X500Name("CN=Cairn cluster CA " + Long.toHexString(RANDOM.nextLong() >>> 16));
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            writeOwnerOnly(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            writeFile(certFile, pem(cert));
            return new ClusterCa(dir, cert, pair.getPrivate(), true);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a CA: " + e.getMessage(), e);
        }
    }

    /** Whether {@link #openOrCreate} made this CA (rather than finding it). */
    public boolean made() {
        return made;
    }

    public Path certFile() {
        return dir.resolve(CA_CERT);
    }

    public Path keyFile() {
        return dir.resolve(CA_KEY);
    }

    /** The file a host's certificate chain goes to. */
    public Path hostCertFile(String host) {
        return dir.resolve(host + ".pem");
    }

    public Path hostKeyFile(String host) {
        return dir.resolve(host + ".key");
    }

    /**
     * Signs a certificate for a host known by {@code names} (DNS names and IP addresses; the first
     * names the files) and writes {@code NAME.pem} and {@code NAME.key}.
     *
     * @throws CairnException EINVAL for a name that is neither a DNS name nor an IP address, EEXIST
     *                        when the host's files are there already
     */
    public void issue(List<String> names) throws IOException {
        if (names.isEmpty()) {
            throw new CairnException(ErrorCode.EINVAL, "a host needs at least one name or IP address");
        }
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(generalName(n));
        }
        String first = names.get(0);
        Path certFile = hostCertFile(first);
        Path keyFile = hostKeyFile(first);
        if (Files.exists(certFile) || Files.exists(keyFile)) {
            throw new CairnException(ErrorCode.EEXIST, certFile + " or " + keyFile + " exists already (remove both to make"
                    + " them again)");
        }
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert, serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(HOST_VALIDITY)), new X500Name("CN=" + first), pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert));
            X509Certificate host = sign(b, key);
            writeOwnerOnly(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            writeFile(certFile, pem(host) + pem(cert));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a certificate for " + first + ": " + e.getMessage(), e);
        }
    }

    /** A DNS name or an IP address (an IP SAN), checked. */
    static GeneralName generalName(String name) throws CairnException {
        if (IPV4.matcher(name).matches() || name.contains(":")) {
            try {
                return new GeneralName(GeneralName.iPAddress, name);
            } catch (IllegalArgumentException e) {
                throw new CairnException(ErrorCode.EINVAL, "not an IP address: " + name);
            }
        }
        if (name.length() > 253 || !DNS_NAME.matcher(name).matches()) {
            throw new CairnException(ErrorCode.EINVAL, "not a host name or IP address: " + name);
        }
        return new GeneralName(GeneralName.dNSName, name);
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey by)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(by)));
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            if (o instanceof org.bouncycastle.util.io.pem.PemObjectGenerator g) {
                w.writeObject(g);
            } else {
                w.writeObject(o);
            }
        }
        return s.toString();
    }

    /** Writes {@code text} to {@code file} with mode 0600 from its first byte, atomically and durably. */
    static void writeOwnerOnly(Path file, String text) throws IOException {
        write(file, text, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }

    private static void writeFile(Path file, String text) throws IOException {
        write(file, text, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
    }

    private static void write(Path file, String text, java.util.Set<PosixFilePermission> mode) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(mode));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
