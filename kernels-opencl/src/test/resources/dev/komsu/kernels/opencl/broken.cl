// Deliberately invalid OpenCL C: the build-failure test expects its log in the exception.
__kernel void broken(__global float* out) {
    out[0] = undeclared_identifier_for_test;
}
