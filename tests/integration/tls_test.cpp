// https end to end: a private CA and server certificates the test makes with the openssl tool, a
// pledge-server serving them (--tls-cert, --tls-key), the client library, the CLI and
// pledge-bootstrap trusting the CA (--ca, ca:), a client that does not trust it refused, and the
// certificate replaced on SIGHUP.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bootstrap_process.h"
#include "pledge/error.h"
#include "pledge/rest_client.h"
#include "pledge/uuid.h"
#include "server_process.h"
#include "subprocess.h"

namespace pledge::testing {
namespace {

namespace fs = std::filesystem;

// Runs a shell script in dir; fails the test with its output unless it exits 0.
void shell(const fs::path& dir, const std::string& script) {
  const std::string log = (dir / "shell.log").string();
  const pid_t pid = spawnProcess({"/bin/sh", "-c", "cd '" + dir.string() + "' && " + script}, log);
  ASSERT_EQ(waitForExit(pid, 60'000).value_or(-1), 0) << readFile(log);
}

// A CA (ca<n>.pem) and a certificate it signed for 127.0.0.1 and localhost (server<n>.pem/.key).
void makeCertificates(const fs::path& dir, int n) {
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string i = std::to_string(n);
  shell(dir, "openssl req -x509 " + key + " -keyout ca" + i + ".key -out ca" + i +
                 ".pem -days 2 -subj '/CN=Pledge test CA " + i + "' && "
                 "openssl req " + key + " -keyout server" + i + ".key -out server" + i +
                 ".csr -subj '/CN=127.0.0.1' && "
                 "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext && "
                 "openssl x509 -req -in server" + i + ".csr -CA ca" + i + ".pem -CAkey ca" + i +
                 ".key -CAcreateserial -out server" + i + ".pem -days 2 -extfile san.ext");
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pledge-tls-" + Uuid::random().toString());
    fs::create_directories(dir_);
    makeCertificates(dir_, 1);
    fs::copy_file(dir_ / "server1.pem", dir_ / "server.pem");
    fs::copy_file(dir_ / "server1.key", dir_ / "server.key");
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--tls-cert", (dir_ / "server.pem").string(), "--tls-key", (dir_ / "server.key").string()});
    url_ = "https://127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  // Whether a client trusting ca can read the cluster over a new connection.
  bool trusts(const std::string& ca) {
    try {
      RestClientOptions options;
      options.unavailableRetry = std::chrono::milliseconds(0);
      options.caFile = ca;
      RestClient client({url_}, options);
      return client.cluster().contains("nodes");
    } catch (const Error& error) {
      lastError_ = error.message();
      return false;
    }
  }

  fs::path dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string url_;
  std::string lastError_;
};

TEST_F(Tls, aClientTrustingTheCaIsServedAndOthersAreRefused) {
  EXPECT_TRUE(trusts((dir_ / "ca1.pem").string())) << lastError_;
  EXPECT_FALSE(trusts("")) << "the system's CAs do not know the test CA";
  EXPECT_NE(lastError_.find("certificate"), std::string::npos) << "error: " << lastError_;
  EXPECT_NE(server_->log().find("listening on https://127.0.0.1:"), std::string::npos)
      << server_->log();
}

TEST_F(Tls, theCliAndTheRunnersWorkOverHttps) {
  std::ofstream(dir_ / "actors.yaml")
      << "servers: [\"" << url_ << "\"]\n"
      << "plugins: [\"" << buildBinary("examples/notification/libnotification_actors.so")
      << "\"]\n"
      << "ca: ca1.pem\n"
      << "actors:\n"
      << "  - {actor: \"NotificationDecider#1.0\", threads: 1}\n"
      << "  - {actor: \"UserProfileService#1.0\", threads: 1}\n"
      << "  - {actor: \"MailService#1.0\", threads: 1}\n"
      << "  - {actor: \"SMSService#1.0\", threads: 1}\n";
  BootstrapProcess runners((dir_ / "actors.yaml").string(), url_);
  const std::string log = (dir_ / "cli.log").string();
  const pid_t pid = spawnProcess({buildBinary("cli/pledge"), "--server", url_, "--ca",
                                  (dir_ / "ca1.pem").string(), "start", "NotificationDecider#1.0",
                                  "start", R"(["user-{i}", "hi"])", "--count", "3", "--wait"},
                                 log);
  EXPECT_EQ(waitForExit(pid, 120'000).value_or(-1), 0)
      << readFile(log) << runners.log();
}

TEST_F(Tls, sighupLoadsANewCertificate) {
  makeCertificates(dir_, 2);
  EXPECT_FALSE(trusts((dir_ / "ca2.pem").string()));
  fs::copy_file(dir_ / "server2.pem", dir_ / "server.pem", fs::copy_options::overwrite_existing);
  fs::copy_file(dir_ / "server2.key", dir_ / "server.key", fs::copy_options::overwrite_existing);
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  bool reloaded = false;
  for (int i = 0; i < 100 && !reloaded; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    reloaded = trusts((dir_ / "ca2.pem").string());
  }
  EXPECT_TRUE(reloaded) << lastError_ << server_->log();
  EXPECT_FALSE(trusts((dir_ / "ca1.pem").string()));

  // A bad file keeps the certificate in use.
  std::ofstream(dir_ / "server.pem") << "not a certificate\n";
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(trusts((dir_ / "ca2.pem").string())) << lastError_;
  EXPECT_NE(server_->log().find("connections keep the certificate loaded before"),
            std::string::npos)
      << server_->log();
}

}  // namespace
}  // namespace pledge::testing
