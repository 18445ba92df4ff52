# effnet_add_model: compile an EfficientNet into a static library at build
# time, as a target an app links like any other.
#
#   effnet_add_model(<name>
#     [VARIANT b0..b7|v2_s|v2_m|v2_l] [PHI f] [WIDTH w] [DEPTH d]
#     [RESOLUTION r] [NUM_CLASSES k] [IN_CHANNELS n] [PADDING torchvision|tf-same]
#     [BN_EPS x] [WEIGHTS file.safetensors]
#     [NAMING torchvision|efficientnet-pytorch|timm|canonical]
#     [RANDOM_WEIGHTS seed]
#     [TARGET portable|host|<Halide target string>]  (default: effnetc's)
#     [OUTPUTS logits|features|reduction_1 ...]
#     [NORMALIZE imagenet|advprop|MEAN,MEAN,MEAN:STD,STD,STD]
#     [EFFNETC_ARGS ...])
#
# Creates the imported target <name>: link it and include "<name>.h".
# effnetc is $<TARGET_FILE:effnetc> inside this project and
# EFFNET_EFFNETC_EXECUTABLE (set by find_package(EffNet)) outside it.

function(effnet_add_model name)
  cmake_parse_arguments(ARG ""
    "VARIANT;PHI;WIDTH;DEPTH;RESOLUTION;NUM_CLASSES;IN_CHANNELS;PADDING;BN_EPS;WEIGHTS;NAMING;RANDOM_WEIGHTS;TARGET;NORMALIZE"
    "OUTPUTS;EFFNETC_ARGS" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "effnet_add_model(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()

  set(args)
  foreach(option VARIANT PHI WIDTH DEPTH RESOLUTION NUM_CLASSES IN_CHANNELS PADDING BN_EPS NAMING RANDOM_WEIGHTS TARGET NORMALIZE)
    if(DEFINED ARG_${option})
      string(TOLOWER "${option}" flag)
      string(REPLACE "_" "-" flag "${flag}")
      list(APPEND args "--${flag}" "${ARG_${option}}")
    endif()
  endforeach()
  if(DEFINED ARG_OUTPUTS)
    list(JOIN ARG_OUTPUTS "," outputs)
    list(APPEND args --outputs "${outputs}")
  endif()
  set(depends)
  if(DEFINED ARG_WEIGHTS)
    get_filename_component(weights "${ARG_WEIGHTS}" ABSOLUTE)
    list(APPEND args --weights "${weights}")
    list(APPEND depends "${weights}")
  endif()

  if(TARGET effnetc)
    set(compiler $<TARGET_FILE:effnetc>)
    list(APPEND depends effnetc)
  elseif(EFFNET_EFFNETC_EXECUTABLE)
    set(compiler "${EFFNET_EFFNETC_EXECUTABLE}")
    list(APPEND depends "${EFFNET_EFFNETC_EXECUTABLE}")
  else()
    message(FATAL_ERROR "effnet_add_model(${name}): no effnetc (find_package(EffNet) first)")
  endif()

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${name}.effnet")
  file(MAKE_DIRECTORY "${dir}")
  add_custom_command(
    OUTPUT "${dir}/${name}.a" "${dir}/${name}.h"
    COMMAND ${compiler} ${args} ${ARG_EFFNETC_ARGS} -o "${dir}/${name}" --quiet
    DEPENDS ${depends}
    COMMENT "effnetc: compiling ${name}"
    VERBATIM)
  add_custom_target(${name}.effnet DEPENDS "${dir}/${name}.a" "${dir}/${name}.h")

  find_package(Threads REQUIRED)
  add_library(${name} STATIC IMPORTED GLOBAL)
  set_target_properties(${name} PROPERTIES
    IMPORTED_LOCATION "${dir}/${name}.a"
    INTERFACE_INCLUDE_DIRECTORIES "${dir}"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
  add_dependencies(${name} ${name}.effnet)
endfunction()
