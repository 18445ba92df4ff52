module {
  func.func @efficientnet(%arg0: tensor<1x3x16x16xf32>) -> tensor<1x4xf32> attributes {effnet.table = "b0", effnet.variant = "custom"} {
    %0 = effnet.stem %arg0 {kernel = 3 : i64, name = "stem", out_channels = 8 : i64, stride = 2 : i64} : tensor<1x3x16x16xf32> -> tensor<1x8x8x8xf32>
    %1 = effnet.stage mbconv %0 {expand_ratio = 1.000000e+00 : f64, kernel = 3 : i64, out_channels = 8 : i64, repeats = 1 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 1 : i64} : tensor<1x8x8x8xf32> -> tensor<1x8x8x8xf32>
    %2 = effnet.stage mbconv %1 {expand_ratio = 6.000000e+00 : f64, kernel = 3 : i64, out_channels = 8 : i64, repeats = 1 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 2 : i64} : tensor<1x8x8x8xf32> -> tensor<1x8x4x4xf32>
    %3 = effnet.stage mbconv %2 {expand_ratio = 6.000000e+00 : f64, kernel = 5 : i64, out_channels = 16 : i64, repeats = 1 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 2 : i64} : tensor<1x8x4x4xf32> -> tensor<1x16x2x2xf32>
    %4 = effnet.stage mbconv %3 {expand_ratio = 6.000000e+00 : f64, kernel = 3 : i64, out_channels = 24 : i64, repeats = 1 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 2 : i64} : tensor<1x16x2x2xf32> -> tensor<1x24x1x1xf32>
    %5 = effnet.stage mbconv %4 {expand_ratio = 6.000000e+00 : f64, kernel = 5 : i64, out_channels = 32 : i64, repeats = 1 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 1 : i64} : tensor<1x24x1x1xf32> -> tensor<1x32x1x1xf32>
    %6 = effnet.stage mbconv %5 {expand_ratio = 6.000000e+00 : f64, kernel = 5 : i64, out_channels = 48 : i64, repeats = 1 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 2 : i64} : tensor<1x32x1x1xf32> -> tensor<1x48x1x1xf32>
    %7 = effnet.stage mbconv %6 {expand_ratio = 6.000000e+00 : f64, kernel = 3 : i64, out_channels = 80 : i64, repeats = 1 : i64, se_ratio = 2.500000e-01 : f64, stochastic_depth = 2.000000e-01 : f64, stride = 1 : i64} : tensor<1x48x1x1xf32> -> tensor<1x80x1x1xf32>
    %8 = effnet.head %7 {channels = 320 : i64, dropout = 2.000000e-01 : f64, name = "head", num_classes = 4 : i64} : tensor<1x80x1x1xf32> -> tensor<1x4xf32>
    return %8 : tensor<1x4xf32>
  }
}
