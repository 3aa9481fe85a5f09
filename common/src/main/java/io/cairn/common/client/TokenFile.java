package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.SecretFile;
import io.cairn.common.security.Tokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a client's token comes from: a file (mode 0600; a looser one is refused), never an argument
 * or the environment itself, so that it shows in no {@code ps} output. The file is the one given
 * with {@code --token-file}, else the one {@code $CAIRN_TOKEN_FILE} names, else
 * {@code ~/.cairn/token} when it exists.
 */
public final class TokenFile {
    public static final String ENV = "CAIRN_TOKEN_FILE";
    public static final String HELP = "file holding the token to call the master with (mode 0600; default:"
            + " $CAIRN_TOKEN_FILE, else ~/.cairn/token if it exists)";

    private TokenFile() {
    }

    /** The token file to use, or null when there is none. */
    public static Path resolve(Path option, Map<String, String> env) {
        if (option != null) {
            return option;
        }
        String e = env.get(ENV);
        if (e != null && !e.isBlank()) {
            return Path.of(e);
        }
        String home = System.getProperty("user.home");
        Path dflt = home == null ? null : Path.of(home, ".cairn", "token");
        return dflt != null && Files.isRegularFile(dflt) ? dflt : null;
    }

    /** The credentials in {@code file} for calls to {@code masterUrl}; none when {@code file} is null. */
    public static Credentials credentials(String masterUrl, Path file) throws IOException {
        if (file == null) {
            return Credentials.NONE;
        }
        String token;
        try {
            token = SecretFile.read(file);
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.ENOENT, "no token file " + file);
        }
        if (!Tokens.wellFormed(token)) {
            throw new CairnException(ErrorCode.EINVAL, file + " does not hold a Cairn token");
        }
        return Credentials.bearer(masterUrl, token);
    }

    /** As {@link #credentials(String, Path)} with the file {@link #resolve} finds. */
    public static Credentials find(String masterUrl, Path option) throws IOException {
        return credentials(masterUrl, resolve(option, System.getenv()));
    }
}
