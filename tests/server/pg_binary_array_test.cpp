// pg::BinaryArray against a real PostgreSQL (ctest fixture "postgres"): every element type the
// commit sends arrives as the value given, NULLs and edge values included.
#include "store/pg_binary_array.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <pqxx/pqxx>
#include <string>

#include "test_database.h"

namespace pledge::server::pg {
namespace {

using pledge::testing::TestDatabase;
using Type = BinaryArray::Type;

// The array as a parameter that libpqxx sends in the binary format.
pqxx::binarystring param(BinaryArray& array) {
  const std::string bytes = array.take();
  return pqxx::binarystring(bytes.data(), bytes.size());
}

TEST(PgStoreBinaryArray, everyElementTypeArrivesAsGiven) {
  TestDatabase database;
  pqxx::connection connection(database.url());
  const Uuid id = Uuid::random();
  const Uuid high(0xffffffffffffffffull, 0x0123456789abcdefull);
  const std::string quoted = R"(say "hi", {a,b} \ NULL 'x' é漢)";
  const std::string bytes("\x00\xff\x7f\\\"{}", 7);

  BinaryArray uuids(Type::Uuid);
  BinaryArray int4s(Type::Int4);
  BinaryArray int8s(Type::Int8);
  BinaryArray texts(Type::Text);
  BinaryArray byteas(Type::Bytea);
  uuids.add(id);
  int4s.add(std::int64_t{std::numeric_limits<std::int32_t>::min()});
  int8s.add(std::int64_t{std::numeric_limits<std::int64_t>::min()});
  texts.add(quoted);
  byteas.add(bytes);

  uuids.add(high);
  int4s.add(std::int64_t{std::numeric_limits<std::int32_t>::max()});
  int8s.add(std::int64_t{std::numeric_limits<std::int64_t>::max()});
  texts.add(std::string_view());  // empty, not NULL
  byteas.add(std::string_view());

  uuids.add(std::optional<Uuid>());
  int4s.add(std::optional<std::int64_t>());
  int8s.add(std::optional<std::int64_t>(-1));
  texts.addTextOrNull("");
  byteas.addNull();

  pqxx::work tx(connection);
  pqxx::result rows = tx.exec_params(
      "SELECT u::text, i4, i8, t, t IS NULL, encode(b, 'hex'), b IS NULL FROM "
      "unnest($1::uuid[], $2::int[], $3::bigint[], $4::text[], $5::bytea[]) "
      "WITH ORDINALITY AS x(u, i4, i8, t, b, n) ORDER BY n",
      param(uuids), param(int4s), param(int8s), param(texts), param(byteas));
  ASSERT_EQ(rows.size(), 3u);

  EXPECT_EQ(rows[0][0].as<std::string>(), id.toString());
  EXPECT_EQ(rows[0][1].as<std::int64_t>(), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(rows[0][2].as<std::int64_t>(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(rows[0][3].as<std::string>(), quoted);
  EXPECT_EQ(rows[0][5].as<std::string>(), "00ff7f5c227b7d");

  EXPECT_EQ(rows[1][0].as<std::string>(), "ffffffff-ffff-ffff-0123-456789abcdef");
  EXPECT_EQ(rows[1][1].as<std::int64_t>(), std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(rows[1][2].as<std::int64_t>(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(rows[1][3].as<std::string>(), "");
  EXPECT_FALSE(rows[1][4].as<bool>()) << "an empty text is a value";
  EXPECT_EQ(rows[1][5].as<std::string>(), "");
  EXPECT_FALSE(rows[1][6].as<bool>());

  EXPECT_TRUE(rows[2][0].is_null());
  EXPECT_TRUE(rows[2][1].is_null());
  EXPECT_EQ(rows[2][2].as<std::int64_t>(), -1);
  EXPECT_TRUE(rows[2][4].as<bool>()) << "addTextOrNull of an empty text";
  EXPECT_TRUE(rows[2][6].as<bool>());
}

TEST(PgStoreBinaryArray, anEmptyArrayHasNoElements) {
  TestDatabase database;
  pqxx::connection connection(database.url());
  BinaryArray empty(Type::Uuid);
  pqxx::work tx(connection);
  pqxx::result rows =
      tx.exec_params("SELECT cardinality($1::uuid[]), array_ndims($1::uuid[])", param(empty));
  EXPECT_EQ(rows[0][0].as<int>(), 0);
  EXPECT_TRUE(rows[0][1].is_null());
}

TEST(PgStoreBinaryArray, aCastToAnotherElementTypeIsRefused) {
  TestDatabase database;
  pqxx::connection connection(database.url());
  BinaryArray ints(Type::Int8);
  ints.add(std::int64_t{7});
  pqxx::work tx(connection);
  EXPECT_THROW(tx.exec_params("SELECT $1::int[]", param(ints)), pqxx::sql_error);
}

}  // namespace
}  // namespace pledge::server::pg
