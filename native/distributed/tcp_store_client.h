// A client of kindling's rendezvous store (lib/distributed/store.ts, hosted by rank 0), as the
// gloo::rendezvous::Store that Gloo's connectFullMesh uses to swap peer addresses.
// Wire format (little-endian), one request at a time per connection:
//   SET  [1][u32 klen][key][u32 vlen][value]   -> [u8 0]
//   GET  [2][u32 klen][key]                    -> [u32 vlen][value]  (once the key exists)
//   WAIT [5][u32 n]([u32 klen][key])*n         -> [u8 0]             (once all keys exist)
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <gloo/rendezvous/store.h>

namespace kindling {

class TcpStoreClient : public gloo::rendezvous::Store {
 public:
  // Connects to host:port, retrying until timeout (the server may still be starting).
  // Throws std::runtime_error naming the address when it cannot.
  TcpStoreClient(const std::string& host, int port, std::chrono::milliseconds timeout);
  ~TcpStoreClient() override;

  void set(const std::string& key, const std::vector<char>& data) override;
  std::vector<char> get(const std::string& key) override;
  void wait(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override;

  // This end's local address (the interface that routes to the store's host), for peers.
  std::string localAddress() const;

 private:
  void sendAll(const std::vector<char>& bytes);
  void recvAll(char* out, size_t n, std::chrono::steady_clock::time_point deadline, const std::string& what);

  int fd_ = -1;
  std::string where_;
  std::chrono::milliseconds timeout_;
};

}  // namespace kindling
