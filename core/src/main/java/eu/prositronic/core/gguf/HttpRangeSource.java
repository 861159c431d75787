package eu.prositronic.core.gguf;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A remote GGUF read with HTTP range requests ({@code Range: bytes=a-b}, RFC 9110 §14), in chunks fetched on demand
 * and kept: reading a header costs a few requests of {@value #CHUNK} bytes, never the whole file. A server that
 * ignores ranges (200 instead of 206) is refused rather than downloaded.
 */
public final class HttpRangeSource implements GgufSource {
    static final int CHUNK = 1 << 20;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    private final HttpClient client;
    private final URI uri;
    private final Map<Long, byte[]> chunks = new TreeMap<>();
    private long size = -1;
    private int requests;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    public HttpRangeSource(URI uri) {
        this.uri = uri;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /**
     * A header of the first answer, looked up along its redirects too (the Hugging Face hub sends {@code X-Repo-Commit}
     * and, for LFS files, {@code X-Linked-Etag} (the sha256) and {@code X-Linked-Size} on the redirect to its CDN).
     */
    public Optional<String> header(String name) throws IOException {
        size();
        return Optional.ofNullable(headers.get(name));
    }

    /** Range requests made so far (for the log and the tests). */
    public int requests() {
        return requests;
    }

    @Override
    public long size() throws IOException {
        if (size < 0) {
            chunk(0);
        }
        return size;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (position >= size()) {
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            long start = position / CHUNK * CHUNK;
            byte[] c = chunk(start);
            int offset = (int) (position - start);
            int n = Math.min(dst.remaining(), c.length - offset);
            if (n <= 0) {
                break;
            }
            dst.put(c, offset, n);
            position += n;
            total += n;
        }
        return total;
    }

    private byte[] chunk(long start) throws IOException {
        byte[] cached = chunks.get(start);
        if (cached != null) {
            return cached;
        }
        long end = start + CHUNK - 1;
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Range", "bytes=" + start + "-" + end)
                .timeout(Duration.ofMinutes(2))
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        }
        requests++;
        try (InputStream body = response.body()) {
            if (response.statusCode() == 416) {
                throw new GgufFormatException(start, "the server says the file has no byte " + start + " (HTTP 416)");
            }
            if (response.statusCode() != 206) {
                throw new IOException("HTTP " + response.statusCode() + " for " + uri
                        + (response.statusCode() == 200
                                ? ": the server does not answer range requests, so the header cannot be read without"
                                        + " downloading the whole file; download it and import the local path"
                                : ""));
            }
            String range = response.headers().firstValue("Content-Range").orElse("");
            Matcher m = CONTENT_RANGE.matcher(range);
            if (!m.matches() || Long.parseLong(m.group(1)) != start) {
                throw new IOException(
                        "unexpected Content-Range `" + range + "` for bytes " + start + "-" + end + " of " + uri);
            }
            size = Long.parseLong(m.group(3));
            if (headers.isEmpty()) {
                for (Optional<HttpResponse<InputStream>> r = Optional.of(response);
                        r.isPresent();
                        r = r.get().previousResponse()) {
                    r.get().headers().map().forEach((k, v) -> {
                        if (!v.isEmpty()) {
                            headers.putIfAbsent(k, v.get(0));
                        }
                    });
                }
            }
            byte[] bytes = body.readAllBytes();
            chunks.put(start, bytes);
            return bytes;
        }
    }
}
