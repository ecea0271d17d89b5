# Sourced by run.sh: makes the bundle's ICD loader find an OpenCL driver.
# Needs $bundle (the .gpu folder) and $work (a scratch folder). Sets:
#   KOMSU_OPENCL=nvidia|other|none   which driver the loader will see
#   KOMSU_OPENCL_NOTE                one line saying what was found (for the report)
#   KOMSU_OPENCL_SEARCHED            every place looked at, and what was there (for a failed try)
# and exports OCL_ICD_VENDORS and LD_LIBRARY_PATH.
#
# Why its own vendor folder: the device machine may have NVIDIA's driver libraries (mounted by
# the container runtime) but no ocl-icd loader and no /etc/OpenCL/vendors entry, and nothing can
# be installed there. ocl-icd reads every *.icd file of the folder OCL_ICD_VENDORS names.

# The machine's own ICD files (the fall-through); a variable so the no-platform path can be tried
# on a machine that has one (KOMSU_SYSTEM_VENDORS=/nonexistent .gpu/run.sh --smoke).
KOMSU_SYSTEM_VENDORS=${KOMSU_SYSTEM_VENDORS:-/etc/OpenCL/vendors}

# Driver folders, in the order NVIDIA's container runtime and distribution packages put them.
KOMSU_NVIDIA_DIRS=(/usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib
  /lib/x86_64-linux-gnu /lib64 /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib
  /run/nvidia/driver/usr/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/nvidia/current)

komsu_find_nvidia_opencl() {   # prints the path of NVIDIA's OpenCL driver library, or nothing
  local dir lib
  for dir in "${KOMSU_NVIDIA_DIRS[@]}"; do
    for lib in "$dir"/libnvidia-opencl.so.1 "$dir"/libnvidia-opencl.so.[0-9]*; do
      [ -f "$lib" ] && { echo "$lib"; return 0; }
    done
  done
  # Anywhere else the dynamic linker knows (a driver installed under another prefix).
  lib=$(ldconfig -p 2>/dev/null | sed -n 's/.*libnvidia-opencl\.so[.0-9]* .*=> \(.*\)$/\1/p' | head -n 1)
  [ -n "$lib" ] && [ -f "$lib" ] && echo "$lib"
  return 0
}

komsu_opencl_env() {
  local vendors="$work/icd-vendors" nvidia dir found icd
  mkdir -p "$vendors"
  KOMSU_OPENCL_SEARCHED="looked for libnvidia-opencl.so.1 / libnvidia-opencl.so.<version> in: ${KOMSU_NVIDIA_DIRS[*]} and ldconfig -p"
  for dir in "${KOMSU_NVIDIA_DIRS[@]}"; do
    found=$(ls -d "$dir"/libnvidia-opencl* "$dir"/libcuda.so* "$dir"/libOpenCL.so* 2>/dev/null | tr '\n' ' ')
    [ -n "$found" ] && KOMSU_OPENCL_SEARCHED+=$'\n'"  $dir: $found"
  done
  KOMSU_OPENCL_SEARCHED+=$'\n'"  $KOMSU_SYSTEM_VENDORS: $(ls "$KOMSU_SYSTEM_VENDORS" 2>/dev/null | tr '\n' ' ')"
  KOMSU_OPENCL_SEARCHED+=$'\n'"  nvidia device nodes: $(ls /dev/nvidia* 2>/dev/null | tr '\n' ' ')"
  nvidia=$(komsu_find_nvidia_opencl)
  # The bundle's loader first: JOCL dlopens the unversioned libOpenCL.so.
  export LD_LIBRARY_PATH="$bundle/opencl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  if [ -n "$nvidia" ]; then
    echo "$nvidia" >"$vendors/nvidia.icd"
    # NVIDIA's OpenCL library loads libcuda.so.1 from its own folder, which may not be on the path.
    export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$(dirname "$nvidia")"
    export OCL_ICD_VENDORS="$vendors"
    KOMSU_OPENCL=nvidia
    KOMSU_OPENCL_NOTE="NVIDIA OpenCL driver: $nvidia (ICD file $vendors/nvidia.icd)"
    return 0
  fi
  for icd in "$KOMSU_SYSTEM_VENDORS"/*.icd; do
    [ -f "$icd" ] && cp "$icd" "$vendors/"
  done
  export OCL_ICD_VENDORS="$vendors"
  if compgen -G "$vendors/*.icd" >/dev/null; then
    KOMSU_OPENCL=other
    KOMSU_OPENCL_NOTE="no NVIDIA OpenCL driver found; falling through to the machine's own OpenCL platforms: $(cat "$vendors"/*.icd | tr '\n' ' ')"
  else
    KOMSU_OPENCL=none
    KOMSU_OPENCL_NOTE="no NVIDIA OpenCL driver and no $KOMSU_SYSTEM_VENDORS/*.icd: no OpenCL platform to load"
  fi
}
