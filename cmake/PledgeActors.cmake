# pledge_add_actors(<target> <idl>...)
#
# Generates C++ from the IDL files (*.pledge.yaml) with pledge-gen into the build tree and adds it
# to <target>. When <target> does not exist yet it is created as a SHARED library, loadable by
# pledge-bootstrap as a plugin. Add the implementation sources with target_sources(). The
# generated headers ("<stem>.pledge.h") are on the target's PUBLIC include path, and the target
# links pledge::client. Editing an IDL file or pledge-gen itself regenerates the code.
#
#   pledge_add_actors(notification_actors notification.pledge.yaml)
#   target_sources(notification_actors PRIVATE notification_impl.cpp)
function(pledge_add_actors target)
  set(idl_files ${ARGN})
  if(NOT idl_files)
    message(FATAL_ERROR "pledge_add_actors(${target}): give at least one .pledge.yaml file")
  endif()
  if(NOT TARGET ${target})
    add_library(${target} SHARED)
  endif()

  # The generator: the in-tree target, or the imported one of an installed Pledge.
  set(generator pledge::gen)
  get_target_property(aliased pledge::gen ALIASED_TARGET)
  if(aliased)
    set(generator ${aliased})
  endif()
  # An in-tree target name gives a target- and file-level dependency; an imported one a file.
  get_target_property(imported ${generator} IMPORTED)
  if(imported)
    set(generator_dependency $<TARGET_FILE:${generator}>)
  else()
    set(generator_dependency ${generator})
  endif()

  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/pledge_gen/${target})
  set(generated)
  foreach(idl IN LISTS idl_files)
    get_filename_component(idl_path ${idl} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    get_filename_component(name ${idl_path} NAME)
    string(REGEX REPLACE "(\\.pledge)?\\.ya?ml$" "" stem ${name})
    # The stem as pledge-gen spells it: other characters than letters and digits become "_",
    # and a stem that starts with a digit (or is empty) gets "idl_" in front.
    string(REGEX REPLACE "[^A-Za-z0-9]" "_" stem "${stem}")
    if(stem STREQUAL "" OR stem MATCHES "^[0-9]")
      set(stem "idl_${stem}")
    endif()
    set(header ${out_dir}/${stem}.pledge.h)
    set(source ${out_dir}/${stem}.pledge.cpp)
    add_custom_command(
      OUTPUT ${header} ${source}
      COMMAND ${generator} ${idl_path} -o ${out_dir}
      DEPENDS ${idl_path} ${generator_dependency}
      COMMENT "pledge-gen ${name}"
      VERBATIM)
    list(APPEND generated ${header} ${source})
  endforeach()

  target_sources(${target} PRIVATE ${generated})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${out_dir}>)
  target_link_libraries(${target} PUBLIC pledge::client)
endfunction()
