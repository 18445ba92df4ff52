# effnet_add_model: compile an EfficientNet into a static library at build
# time, as a target an app links like any other.
#
#   effnet_add_model(<name>
#     [VARIANT b0..b7|v2_s|v2_m|v2_l] [PHI f] [WIDTH w] [DEPTH d]
#     [RESOLUTION r] [NUM_CLASSES k] [IN_CHANNELS n] [PADDING torchvision|tf-same]
#     [BN_EPS x] [WEIGHTS file.safetensors] [SCHEDULES file.schedules]
#     [NAMING torchvision|efficientnet-pytorch|timm|canonical]
#     [RANDOM_WEIGHTS seed]
#     [TARGET portable|host|<Halide target string>]  (default: effnetc's)
#     [TARGET "A,B,..."]  (a library per target: see below)
#     [OUTPUTS logits|features|reduction_1 ...]
#     [NORMALIZE imagenet|advprop|MEAN,MEAN,MEAN:STD,STD,STD]
#     [RESIZE pixels] [ANTIALIAS]   (NAME_run_image's transform)
#     [FP16_WEIGHTS]   (weights stored as IEEE halves: effnetc --fp16-weights)
#     [EFFNETC_ARGS ...])
#
# Creates the imported target <name>: link it and include "<name>.h" (the
# folder also holds <name>.pc, for pkg-config). With several targets,
# TARGET "A,B,..." (each TARGET or TAG=TARGET, as effnetc --target takes
# them), it creates an imported target <name>_<TAG> per target, named as
# effnetc names them (TAG: the entry's own, else cuda or opencl for a GPU
# target, cpu for host and portable, else the architecture and bits, such as
# arm_64), and <name>, which links them all: an app links <name> and calls
# <name>_cuda_run, say, falling back to <name>_cpu_run when that returns
# <NAME>_CUDA_ERROR_NO_DEVICE. effnetc is
# $<TARGET_FILE:effnetc> inside this project and EffNet::effnetc (from
# find_package(EffNet)) outside it. The arguments are checked when CMake
# configures (a missing WEIGHTS file, an unknown VARIANT, a name that is not
# a C identifier), not first by the build.

function(effnet_add_model name)
  cmake_parse_arguments(ARG "ANTIALIAS;FP16_WEIGHTS"
    "VARIANT;PHI;WIDTH;DEPTH;RESOLUTION;NUM_CLASSES;IN_CHANNELS;PADDING;BN_EPS;WEIGHTS;SCHEDULES;NAMING;RANDOM_WEIGHTS;TARGET;NORMALIZE;RESIZE"
    "OUTPUTS;EFFNETC_ARGS" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "effnet_add_model(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()

  set(where "effnet_add_model(${name})")
  if(NOT name MATCHES "^[A-Za-z][A-Za-z0-9_]*$")
    message(FATAL_ERROR "${where}: the name is the prefix of the library's C symbols: give a C identifier that starts with a letter")
  endif()
  set(variants b0 b1 b2 b3 b4 b5 b6 b7 v2_s v2_m v2_l)
  if(DEFINED ARG_VARIANT AND NOT ARG_VARIANT IN_LIST variants)
    list(JOIN variants ", " known)
    message(FATAL_ERROR "${where}: unknown VARIANT '${ARG_VARIANT}' (expected one of ${known})")
  endif()
  foreach(option RESOLUTION NUM_CLASSES IN_CHANNELS RANDOM_WEIGHTS RESIZE)
    if(DEFINED ARG_${option} AND NOT ARG_${option} MATCHES "^[0-9]+$")
      message(FATAL_ERROR "${where}: ${option} takes a whole number, got '${ARG_${option}}'")
    endif()
  endforeach()
  if(DEFINED ARG_PADDING AND NOT ARG_PADDING MATCHES "^(torchvision|tf-same)$")
    message(FATAL_ERROR "${where}: PADDING is torchvision or tf-same, got '${ARG_PADDING}'")
  endif()
  if(DEFINED ARG_NAMING AND NOT ARG_NAMING MATCHES "^(torchvision|efficientnet-pytorch|timm|canonical)$")
    message(FATAL_ERROR "${where}: NAMING is torchvision, efficientnet-pytorch, timm or canonical, got '${ARG_NAMING}'")
  endif()
  foreach(option WEIGHTS SCHEDULES)
    if(DEFINED ARG_${option})
      get_filename_component(file_${option} "${ARG_${option}}" ABSOLUTE)
      if(NOT EXISTS "${file_${option}}" OR IS_DIRECTORY "${file_${option}}")
        message(FATAL_ERROR "${where}: the ${option} file ${file_${option}} does not exist")
      endif()
    endif()
  endforeach()

  set(args)
  foreach(option VARIANT PHI WIDTH DEPTH RESOLUTION NUM_CLASSES IN_CHANNELS PADDING BN_EPS NAMING RANDOM_WEIGHTS NORMALIZE RESIZE)
    if(DEFINED ARG_${option})
      string(TOLOWER "${option}" flag)
      string(REPLACE "_" "-" flag "${flag}")
      list(APPEND args "--${flag}" "${ARG_${option}}")
    endif()
  endforeach()
  if(ARG_ANTIALIAS)
    list(APPEND args --antialias)
  endif()
  if(ARG_FP16_WEIGHTS)
    list(APPEND args --fp16-weights)
  endif()
  if(DEFINED ARG_OUTPUTS)
    list(JOIN ARG_OUTPUTS "," outputs)
    list(APPEND args --outputs "${outputs}")
  endif()
  set(depends)
  foreach(option WEIGHTS SCHEDULES)
    if(DEFINED ARG_${option})
      string(TOLOWER "${option}" flag)
      list(APPEND args "--${flag}" "${file_${option}}")
      list(APPEND depends "${file_${option}}")
    endif()
  endforeach()

  if(TARGET effnetc)
    set(compiler $<TARGET_FILE:effnetc>)
    list(APPEND depends effnetc)
  elseif(TARGET EffNet::effnetc)
    set(compiler $<TARGET_FILE:EffNet::effnetc>)
    list(APPEND depends $<TARGET_FILE:EffNet::effnetc>)
  elseif(EFFNET_EFFNETC_EXECUTABLE)
    set(compiler "${EFFNET_EFFNETC_EXECUTABLE}")
    list(APPEND depends "${EFFNET_EFFNETC_EXECUTABLE}")
  else()
    message(FATAL_ERROR "effnet_add_model(${name}): no effnetc (find_package(EffNet) first)")
  endif()

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${name}.effnet")
  file(MAKE_DIRECTORY "${dir}")
  find_package(Threads REQUIRED)
  if(NOT DEFINED ARG_TARGET OR NOT ARG_TARGET MATCHES ",")
    set(target_args)
    if(DEFINED ARG_TARGET)
      set(target_args --target "${ARG_TARGET}")
    endif()
    _effnet_add_library(${name} "${dir}" "${compiler}" "${depends}"
      ${args} ${target_args} ${ARG_EFFNETC_ARGS})
    return()
  endif()

  # A library per target, tagged as effnetc's splitTargets tags them.
  add_library(${name} INTERFACE IMPORTED GLOBAL)
  string(REPLACE "," ";" entries "${ARG_TARGET}")
  set(tags)
  foreach(entry IN LISTS entries)
    if(entry MATCHES "^([^=]*)=(.*)$")
      set(tag "${CMAKE_MATCH_1}")
      set(one "${CMAKE_MATCH_2}")
    else()
      set(one "${entry}")
      if(one MATCHES "(^|-)(cuda|opencl|metal|vulkan)(-|$)")
        set(tag "${CMAKE_MATCH_2}")
      elseif(one MATCHES "^(host|portable)(-|$)")
        set(tag cpu)
      elseif(one MATCHES "^([^-]+)-([^-]+)")
        set(tag "${CMAKE_MATCH_1}_${CMAKE_MATCH_2}")
      else()
        set(tag "${one}")
      endif()
    endif()
    if(one STREQUAL "" OR NOT tag MATCHES "^[a-z0-9_]+$")
      message(FATAL_ERROR "${where}: TARGET entry '${entry}' needs a target, and a tag of lower-case letters, digits and _ (TAG=TARGET)")
    endif()
    if(tag IN_LIST tags)
      message(FATAL_ERROR "${where}: two TARGET entries would both make ${name}_${tag}: tag one, as TAG=TARGET")
    endif()
    list(APPEND tags "${tag}")
    _effnet_add_library(${name}_${tag} "${dir}" "${compiler}" "${depends}"
      ${args} --target "${one}" ${ARG_EFFNETC_ARGS})
    target_link_libraries(${name} INTERFACE ${name}_${tag})
  endforeach()
endfunction()

# One library: the imported target <lib> from effnetc's archive in `dir`,
# compiled by `compiler` with the arguments after `depends`.
function(_effnet_add_library lib dir compiler depends)
  add_custom_command(
    OUTPUT "${dir}/${lib}.a" "${dir}/${lib}.h" "${dir}/${lib}.pc"
    COMMAND ${compiler} ${ARGN} -o "${dir}/${lib}" --quiet
    DEPENDS ${depends}
    COMMENT "effnetc: compiling ${lib}"
    VERBATIM)
  add_custom_target(${lib}.effnet DEPENDS "${dir}/${lib}.a" "${dir}/${lib}.h")
  add_library(${lib} STATIC IMPORTED GLOBAL)
  set_target_properties(${lib} PROPERTIES
    IMPORTED_LOCATION "${dir}/${lib}.a"
    INTERFACE_INCLUDE_DIRECTORIES "${dir}"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
  add_dependencies(${lib} ${lib}.effnet)
endfunction()
