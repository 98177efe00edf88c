namespace Vault.Api.Proxy;

/// <summary>
/// The caller's request body as the forwarder reads it. A failure to read it (broken chunked framing, a caller that hung
/// up mid-upload) is the caller's, not Amazon's: it surfaces as <see cref="CallerBodyException"/>, which the per-host
/// circuit breaker does not count, so one tenant's bad uploads cannot pause every tenant's calls to that host.
/// </summary>
internal sealed class CallerBodyStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch (IOException e)
        {
            throw new CallerBodyException(e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new CallerBodyException(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The caller's request body could not be read; Kestrel's own exception is the inner one.</summary>
public sealed class CallerBodyException(Exception inner) : IOException("the caller's request body could not be read", inner)
{
    /// <summary>True when <paramref name="exception"/> or one it wraps is a <see cref="CallerBodyException"/>.</summary>
    public static bool IsIn(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is CallerBodyException)
                return true;
        }
        return false;
    }
}
