// Node: one pledge-server process. It starts its parts in order (HTTP listener, store, engine,
// cluster membership, REST API) and stops them in reverse: a stopping cluster node first hands
// its partitions over (what it did to them committed), then answers what waits.
//
//   pledge::server::Node node(parseServerConfig(argc, argv), PLEDGE_CONSOLE_DIR);
//   node.run();   // until SIGINT or SIGTERM
//
// The constructor throws what keeps the node from starting (a port in use, a store it cannot
// open); main() reports it.
#pragma once

#include <memory>
#include <string>

#include "pledge/server/node/server_config.h"

namespace pledge::server {

class Node {
 public:
  // builtConsole: the console's folder, installed beside the executable or in the build tree
  // ("" for none); config's consoleDir replaces it.
  Node(ServerConfig config, std::string builtConsole);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Serves until a shutdown signal, then stops every part in order.
  void run();
  int port() const;
  // Where the other nodes and clients reach this one.
  const std::string& url() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace pledge::server
