#include "tcp_store_client.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace kindling {

namespace {

void putU32(std::vector<char>& b, uint32_t v) {
  for (int i = 0; i < 4; i++) b.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void putKey(std::vector<char>& b, const std::string& k) {
  putU32(b, static_cast<uint32_t>(k.size()));
  b.insert(b.end(), k.begin(), k.end());
}

int connectOnce(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || res == nullptr) return -1;
  int fd = -1;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return fd;
}

}  // namespace

TcpStoreClient::TcpStoreClient(const std::string& host, int port, std::chrono::milliseconds timeout)
    : where_(host + ":" + std::to_string(port)), timeout_(timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while ((fd_ = connectOnce(host, port)) < 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("could not reach the rendezvous store at " + where_ + " within " +
                               std::to_string(timeout.count()) + " ms (is rank 0 running, and MASTER_ADDR/MASTER_PORT right?)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

TcpStoreClient::~TcpStoreClient() {
  if (fd_ >= 0) close(fd_);
}

void TcpStoreClient::sendAll(const std::vector<char>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("lost the connection to the rendezvous store at " + where_ + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
}

void TcpStoreClient::recvAll(char* out, size_t n, std::chrono::steady_clock::time_point deadline, const std::string& what) {
  size_t done = 0;
  while (done < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) throw std::runtime_error("timed out after " + std::to_string(timeout_.count()) + " ms waiting for " + what + " in the rendezvous store at " + where_);
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t got = ::recv(fd_, out + done, n - done, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw std::runtime_error("the rendezvous store at " + where_ + " closed the connection (did rank 0 exit?)");
    done += static_cast<size_t>(got);
  }
}

void TcpStoreClient::set(const std::string& key, const std::vector<char>& data) {
  std::vector<char> b{1};
  putKey(b, key);
  putU32(b, static_cast<uint32_t>(data.size()));
  b.insert(b.end(), data.begin(), data.end());
  sendAll(b);
  char ack;
  recvAll(&ack, 1, std::chrono::steady_clock::now() + timeout_, "the reply to setting '" + key + "'");
}

std::vector<char> TcpStoreClient::get(const std::string& key) {
  std::vector<char> b{2};
  putKey(b, key);
  sendAll(b);
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  unsigned char len[4];
  recvAll(reinterpret_cast<char*>(len), 4, deadline, "key '" + key + "'");
  uint32_t n = len[0] | (len[1] << 8) | (len[2] << 16) | (static_cast<uint32_t>(len[3]) << 24);
  std::vector<char> out(n);
  if (n > 0) recvAll(out.data(), n, deadline, "key '" + key + "'");
  return out;
}

void TcpStoreClient::wait(const std::vector<std::string>& keys) { wait(keys, timeout_); }

void TcpStoreClient::wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) {
  std::vector<char> b{5};
  putU32(b, static_cast<uint32_t>(keys.size()));
  for (const auto& k : keys) putKey(b, k);
  sendAll(b);
  std::string names;
  for (const auto& k : keys) names += (names.empty() ? "'" : ", '") + k + "'";
  char ack;
  recvAll(&ack, 1, std::chrono::steady_clock::now() + timeout, "keys " + names);
}

std::string TcpStoreClient::localAddress() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "127.0.0.1";
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, buf, sizeof(buf));
  else inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, buf, sizeof(buf));
  return buf;
}

}  // namespace kindling
