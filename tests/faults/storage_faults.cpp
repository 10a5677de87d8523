// A storage-fault injector for the tests, preloaded into the gazette under test
// (LD_PRELOAD). While the control file named by GAZETTE_FAULTS_CONTROL exists and holds
// an errno name (ENOSPC: the disk is full; EROFS: the file system went read-only; EIO),
// every write, pwrite64 and growing ftruncate64 on a file under GAZETTE_FAULTS_DIR fails
// with that error, exactly as the kernel would report it to SQLite. Removing the file
// ends the fault. Nothing else is touched: writes to other files, pipes and sockets go
// straight through. Linux and glibc only; never part of the product.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// The errno to fail with now, 0 for none: read from the control file on every call, so
// a test switches faults on and off while the server runs.
int active_fault() {
  const char* control = std::getenv("GAZETTE_FAULTS_CONTROL");
  if (!control) return 0;
  int fd = ::open(control, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char name[16] = {};
  ssize_t n = ::read(fd, name, sizeof name - 1);
  ::close(fd);
  if (n <= 0) return 0;
  if (std::strncmp(name, "ENOSPC", 6) == 0) return ENOSPC;
  if (std::strncmp(name, "EROFS", 5) == 0) return EROFS;
  if (std::strncmp(name, "EIO", 3) == 0) return EIO;
  return 0;
}

// True when `fd` is a file under GAZETTE_FAULTS_DIR.
bool in_fault_dir(int fd) {
  const char* dir = std::getenv("GAZETTE_FAULTS_DIR");
  if (!dir || !*dir) return false;
  char link[64];
  char target[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = ::readlink(link, target, sizeof target - 1);
  if (n <= 0) return false;
  target[n] = '\0';
  return std::strncmp(target, dir, std::strlen(dir)) == 0;
}

// The error to fail a write to `fd` with, 0 to let it through.
int fault_for(int fd) {
  int err = active_fault();
  return err && in_fault_dir(fd) ? err : 0;
}

template <typename F>
F real(const char* name) {
  return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* buf, size_t count) {
  static auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
  if (int err = fault_for(fd)) {
    errno = err;
    return -1;
  }
  return next(fd, buf, count);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off64_t offset) {
  static auto next = real<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
  if (int err = fault_for(fd)) {
    errno = err;
    return -1;
  }
  return next(fd, buf, count, offset);
}

// Shrinking a file needs no space; growing it (the WAL index) fails like a write.
int ftruncate64(int fd, off64_t length) {
  static auto next = real<int (*)(int, off64_t)>("ftruncate64");
  if (int err = fault_for(fd)) {
    struct stat64 st {};
    if (err != ENOSPC || (::fstat64(fd, &st) == 0 && length > st.st_size)) {
      errno = err;
      return -1;
    }
  }
  return next(fd, length);
}

}  // extern "C"
