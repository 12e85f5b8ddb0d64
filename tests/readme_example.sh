#!/bin/sh
# readme_example.sh SRC BUILD CC [SANITIZERS]: installs the build into a scratch prefix, extracts
# the C example from README.md, compiles it with the installed pkg-config file and through the
# installed CMake package, runs both. SANITIZERS (e.g. address,undefined) match the library's.
set -eu
src=$1 build=$2 cc=$3 san=${4:-}
sanflags=""
if [ -n "$san" ]; then sanflags="-fsanitize=$san"; fi
work=$build/readme_example
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' "$src/README.md" |
    sed '1,2d;$d' | sed '$d' >"$work/example.c"
test -s "$work/example.c" || { echo "no example found in README.md"; exit 1; }
pc=$(find "$work/prefix" -name lacuna.pc | head -n 1)
export PKG_CONFIG_PATH=$(dirname "$pc")
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror $sanflags -o "$work/example" "$work/example.c" \
    $(pkg-config --cflags --libs lacuna)
LD_LIBRARY_PATH=$(dirname "$(dirname "$pc")") "$work/example" | tee "$work/output.txt"
grep -q '^y = 3 3$' "$work/output.txt"

# The same example through the installed CMake package (find_package + lacuna::lacuna).
mkdir -p "$work/cmake"
cat >"$work/cmake/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.18)
project(readme_example C)
find_package(lacuna 0.1 REQUIRED)
add_executable(example $work/example.c)
target_link_libraries(example lacuna::lacuna)
CM
cmake -S "$work/cmake" -B "$work/cmake/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$sanflags" -DCMAKE_EXE_LINKER_FLAGS="$sanflags" \
    >/dev/null
cmake --build "$work/cmake/build" >/dev/null
"$work/cmake/build/example" | grep -q '^y = 3 3$'
