# Shared by bpfault's plot scripts (loaded first by each). Set by `bpfault report` with -e:
#   data, out, fmts ('png svg'), title, subtitle, gpdir; per script: see its header.
# Series differ in colour (Okabe-Ito, safe for colour-blind readers) AND in fill pattern, dash
# type and point type, so every plot still reads when printed in greyscale.
array C[8] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999']
array P[8] = [3, 4, 1, 5, 2, 6, 7, 0]
array DT[8] = [1, 2, 3, 4, 5, 1, 2, 3]
array PT[8] = [7, 5, 9, 11, 13, 4, 6, 8]
k8(i) = (int(i) - 1) % 8 + 1
# i-th arm's global index (colour slot), from the 'ai' word list
slot(i) = k8(int(word(ai, i)))

pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
term(f, w, h) = (f eq 'svg') ? \
	sprintf("set terminal svg size %d,%d fixed noenhanced font 'Sans,12' background rgb 'white'", w, h) : \
	sprintf("set terminal %s size %d,%d noenhanced font 'Sans,10' background rgb 'white'", pngterm, w, h)
set encoding utf8
