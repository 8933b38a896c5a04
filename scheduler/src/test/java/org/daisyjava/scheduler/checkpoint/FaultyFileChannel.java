package org.daisyjava.scheduler.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;

/**
 * A FileChannel over a real file that can be told to fail writes or forces, or to hold a force
 * until released: stands in for a full disk, an I/O error, or a very slow fsync.
 */
class FaultyFileChannel extends FileChannel {

    private final FileChannel delegate;
    volatile IOException failWrites;
    volatile IOException failForce;
    /** While non-null, force() waits until it is counted down. */
    volatile CountDownLatch holdForce;
    final CountDownLatch forceEntered = new CountDownLatch(1);

    FaultyFileChannel(FileChannel delegate) {
        this.delegate = delegate;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        IOException e = failWrites;
        if (e != null) {
            throw e;
        }
        return delegate.write(src, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        forceEntered.countDown();
        CountDownLatch hold = holdForce;
        if (hold != null) {
            try {
                hold.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
        }
        IOException e = failForce;
        if (e != null) {
            throw e;
        }
        delegate.force(metaData);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        IOException e = failWrites;
        if (e != null) {
            throw e;
        }
        return delegate.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        IOException e = failWrites;
        if (e != null) {
            throw e;
        }
        return delegate.write(srcs, offset, length);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        delegate.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
            throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
            throws IOException {
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
